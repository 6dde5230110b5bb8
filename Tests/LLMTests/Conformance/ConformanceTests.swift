import LLM
import LLMTesting
import Testing

/// The same scenarios against every provider, through recorded wire answers. A provider that lacks a
/// capability must refuse the scenario with ``LLMError/unsupported(feature:provider:)`` instead.
@Suite struct ConformanceTests {
    static let weather = Tool(name: "get_weather", description: "Current weather", parameters: .object(["city": .string()]))
    static let person = JSONSchema.object(["name": .string(), "age": .integer()])

    func run(_ subject: ConformanceSubject, _ fixture: String, _ request: ChatRequest, status: Int = 200) async throws -> (LLMResponse, ReplayTransport) {
        let transport = ReplayTransport([.init(status: status, body: try subject.fixture(fixture))])
        let response = try await subject.makeProvider(transport).complete(request)
        return (response, transport)
    }

    func stream(_ subject: ConformanceSubject, _ fixture: String, _ request: ChatRequest, chunkSize: Int) async throws -> ([StreamEvent], ReplayTransport) {
        let transport = ReplayTransport([.init(body: try subject.fixture(fixture), chunkSize: chunkSize)])
        var events: [StreamEvent] = []
        for try await event in subject.makeProvider(transport).stream(request) { events.append(event) }
        return (events, transport)
    }

    func sentText(_ transport: ReplayTransport) throws -> String {
        try #require(transport.requestBodies.first).jsonString
    }

    @Test(arguments: ConformanceSubject.all)
    func plainTextWithSystemPrompt(_ subject: ConformanceSubject) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("Say hello.")], system: "Be terse.")
        let (response, transport) = try await run(subject, "plain-text.json", request)
        #expect(response.content == "Hello there.")
        #expect(response.stopReason == .endTurn)
        #expect(response.usage.inputTokens == 12)
        #expect(response.usage.outputTokens == 3)
        #expect(!response.model.isEmpty)
        #expect(response.raw != nil)
        let sent = try sentText(transport)
        #expect(sent.contains("Be terse."))
        #expect(sent.contains("Say hello."))
    }

    @Test(arguments: ConformanceSubject.all, [1, 7, Int.max])
    func streamedText(_ subject: ConformanceSubject, chunkSize: Int) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("Say hello.")])
        let (events, _) = try await stream(subject, "streamed-text.stream", request, chunkSize: chunkSize)
        let deltas = events.compactMap { if case .textDelta(let delta, _) = $0 { delta } else { nil } }
        #expect(deltas.count >= 2)
        #expect(deltas.joined() == "Hello there.")
        var accumulator = StreamAccumulator()
        events.forEach { accumulator.consume($0) }
        let response = try accumulator.response()
        #expect(response.content == "Hello there.")
        #expect(response.usage.inputTokens == 12)
        #expect(response.usage.outputTokens == 3)
        #expect(response.stopReason == .endTurn)
    }

    @Test(arguments: ConformanceSubject.all)
    func multiTurnKeepsOrder(_ subject: ConformanceSubject) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("What is 2+2?"), .assistant("It is 4."), .user("And 3+3?")])
        let (_, transport) = try await run(subject, "plain-text.json", request)
        let sent = try sentText(transport)
        let positions = ["What is 2+2?", "It is 4.", "And 3+3?"].compactMap { sent.range(of: $0)?.lowerBound }
        #expect(positions.count == 3)
        #expect(positions == positions.sorted())
    }

    @Test(arguments: ConformanceSubject.all)
    func singleToolCall(_ subject: ConformanceSubject) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("Weather in Paris?")], tools: [Self.weather])
        let (response, transport) = try await run(subject, "tool-call.json", request)
        #expect(response.toolCalls.map(\.name) == ["get_weather"])
        #expect(response.toolCalls.first?.arguments == ["city": "Paris"])
        #expect(response.toolCalls.first?.id.isEmpty == false)
        #expect(response.stopReason == .toolCalls)
        #expect(try sentText(transport).contains("get_weather"))
    }

    @Test(arguments: ConformanceSubject.all, [1, 7, Int.max])
    func parallelToolCallsStreamed(_ subject: ConformanceSubject, chunkSize: Int) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("Weather in Paris and Oslo?")], tools: [Self.weather])
        let (events, _) = try await stream(subject, "parallel-tool-calls.stream", request, chunkSize: chunkSize)
        var accumulator = StreamAccumulator()
        events.forEach { accumulator.consume($0) }
        let calls = try accumulator.response().toolCalls
        #expect(calls.map(\.name) == ["get_weather", "get_weather"])
        #expect(calls.map(\.arguments) == [["city": "Paris"], ["city": "Oslo"]])
        #expect(Set(calls.map(\.id)).count == 2)
    }

    @Test(arguments: ConformanceSubject.all)
    func toolResultRoundTrip(_ subject: ConformanceSubject) async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])
        let request = ChatRequest(model: "model-x", messages: [
            .user("Weather in Paris?"), .assistant("", toolCalls: [call]),
            .tool(ToolResult(toolCallID: "call_1", name: "get_weather", content: "21 degrees and sunny")),
        ], tools: [Self.weather])
        let (response, transport) = try await run(subject, "tool-result-reply.json", request)
        #expect(response.content == "It is 21 degrees and sunny in Paris.")
        let sent = try sentText(transport)
        #expect(sent.contains("21 degrees and sunny"))
        #expect(sent.contains("Paris"))
    }

    @Test(arguments: ConformanceSubject.all)
    func jsonObject(_ subject: ConformanceSubject) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("Answer in JSON.")], responseFormat: .jsonObject)
        let provider = subject.makeProvider(ReplayTransport([]))
        guard provider.capabilities.contains(.jsonObject) else {
            await #expect(throws: LLMError.unsupported(feature: "JSON object output", provider: provider.name)) {
                try await provider.complete(request)
            }
            return
        }
        let (response, _) = try await run(subject, "json-object.json", request)
        #expect(try JSONValue(parsing: response.content) == ["answer": 42])
    }

    @Test(arguments: ConformanceSubject.all)
    func jsonSchemaIsSentNatively(_ subject: ConformanceSubject) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("Invent a person.")], responseFormat: .jsonSchema(name: "person", schema: Self.person))
        let (response, transport) = try await run(subject, "json-schema.json", request)
        #expect(try JSONValue(parsing: response.content) == ["name": "Ada", "age": 36])
        let sent = try sentText(transport)
        #expect(sent.contains("\"age\""))
        #expect(!sent.contains("Respond with JSON"))
    }

    @Test(arguments: ConformanceSubject.all, [1, Int.max])
    func reasoningWithSignatureRoundTrip(_ subject: ConformanceSubject, chunkSize: Int) async throws {
        let request = ChatRequest(model: "model-x", messages: [.user("What is 6 x 7?")], reasoning: ReasoningOptions(budgetTokens: 2048))
        let (events, _) = try await stream(subject, "reasoning.stream", request, chunkSize: chunkSize)
        var accumulator = StreamAccumulator()
        events.forEach { accumulator.consume($0) }
        let response = try accumulator.response()
        let provider = subject.makeProvider(ReplayTransport([]))
        #expect(response.content == "42")
        #expect(response.reasoning.map(\.text).joined() == "Let me think.")
        #expect(events.contains { if case .reasoningDelta = $0 { true } else { false } })
        guard provider.capabilities.contains(.reasoningSignatures) else { return }
        #expect(response.reasoning.contains { $0.signature == "sig-abc" })
        // The next turn sends the signed reasoning back unchanged.
        var next = request
        next.messages += [response.message, .user("Thanks.")]
        let (_, transport) = try await run(subject, "plain-text.json", next)
        #expect(try sentText(transport).contains("sig-abc"))
    }

    @Test(arguments: ConformanceSubject.all)
    func usageCountsCacheAndReasoningSeparately(_ subject: ConformanceSubject) async throws {
        let (response, _) = try await run(subject, "usage.json", ChatRequest(model: "model-x", messages: [.user("ok?")]))
        let capabilities = subject.makeProvider(ReplayTransport([])).capabilities
        #expect(response.usage == Usage(
            inputTokens: 100, outputTokens: 20,
            cacheReadTokens: capabilities.contains(.cacheReadTokens) ? 40 : 0,
            cacheWriteTokens: capabilities.contains(.cacheWriteTokens) ? 10 : 0,
            reasoningTokens: capabilities.contains(.reasoningTokens) ? 8 : 0))
    }

    @Test(arguments: ConformanceSubject.all)
    func stopOnLength(_ subject: ConformanceSubject) async throws {
        let (response, _) = try await run(subject, "stop-length.json", ChatRequest(model: "model-x", messages: [.user("Story")], maxTokens: 3))
        #expect(response.stopReason == .maxTokens)
        #expect(response.content == "Once upon a")
    }

    @Test(arguments: ConformanceSubject.all)
    func everyErrorClass(_ subject: ConformanceSubject) async throws {
        for (kind, status) in subject.errorStatuses.sorted(by: { $0.key < $1.key }) {
            let headers = kind == "rate_limited" ? subject.rateLimitHeaders : [:]
            let transport = ReplayTransport([.init(status: status, headers: headers, body: try subject.fixture("error-\(kind).json"))])
            do {
                _ = try await subject.makeProvider(transport).complete(ChatRequest(model: "model-x", messages: [.user("hi")]))
                Issue.record("\(subject.name): expected \(kind)")
            } catch let error as LLMError {
                #expect(error.kind == kind, "\(subject.name) status \(status)")
                #expect(error.httpStatus == status)
                if kind == "rate_limited" { #expect(error.retryAfter == .seconds(7)) }
            }
        }
    }
}
