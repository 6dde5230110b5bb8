@testable import LLM
import LLMTesting
import NIOCore
import PropertyBased
import Testing

/// The two sides of the Responses format agree: what the client side writes, the server side reads back unchanged,
/// and what the server side writes (replies, streams, errors), the client side reads back unchanged, in every field
/// the format can carry. Random cases, reproducible from the seed PropertyBased reports.
@Suite struct OpenAIResponsesServerRoundTripTests {
    // MARK: Requests: client side out, server side in

    /// A request within what the Responses API carries: no message names, tool-result names or error flags, no
    /// system messages (the system prompt is `instructions`), no stop sequences or seed, at least 16 output tokens
    /// (the client side raises smaller limits to the API's minimum), assistant turns that say something and never
    /// follow one another (consecutive assistant items are one turn).
    static func request(_ random: inout RandomChat) -> ChatRequest {
        var messages: [Message] = []
        for _ in 0..<random.int(1...6) {
            switch random.int(0...3) {
            case 0:
                messages.append(.user(random.text()))
            case 1:
                var parts: [ContentPart] = [.text(random.text())]
                parts.append(random.chance(50) ? .image(.url("https://example.com/\(random.int(0...99)).png"))
                    : .image(.base64(data: "iVBORw0KGgo\(random.int(0...99))=", mediaType: random.pick(["image/png", "image/jpeg"]))))
                messages.append(Message(role: .user, content: parts))
            case 2 where messages.last?.role != .assistant:
                let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
                let text = calls.isEmpty || random.chance(50) ? random.text() : ""
                var turn = Message.assistant(text, toolCalls: calls)
                if random.chance(40) {
                    turn.reasoning = [ReasoningBlock(text: random.chance(70) ? random.text() : "", signature: "enc_\(random.int(0...999))", id: "rs_\(random.int(0...999))")]
                }
                messages.append(turn)
            default:
                messages.append(.tool(ToolResult(toolCallID: "call_\(random.int(0...999))", content: random.text())))
            }
        }
        var request = ChatRequest(model: random.pick(["gpt-5-mini", "smol", "org/model-7b"]), messages: messages)
        if random.chance(50) { request.system = random.text() }
        if random.chance(50) { request.tools = (0..<random.int(1...3)).map { _ in random.tool() } }
        if random.chance(40) { request.toolChoice = random.pick([ToolChoice.auto, ToolChoice.none, .required, .tool(random.identifier())]) }
        if random.chance(50) { request.maxTokens = random.int(16...8192) }
        if random.chance(50) { request.temperature = Double(random.int(0...16)) / 8 }
        if random.chance(30) { request.topP = Double(random.int(1...8)) / 8 }
        if random.chance(30) { request.reasoning = ReasoningOptions(effort: random.pick([.minimal, .low, .medium, .high])) }
        switch random.int(0...2) {
        case 0: break
        case 1: request.responseFormat = .jsonObject
        default:
            request.responseFormat = .jsonSchema(
                name: random.identifier(), schema: JSONSchema(["type": "object", "properties": .object([random.identifier(): ["type": "integer"]])]),
                strict: random.chance(50))
        }
        if random.chance(30) { request.extraFields = ["user": .string(random.text()), "parallel_tool_calls": .bool(random.chance(50))] }
        return request
    }

    @Test func aRequestWrittenByTheClientSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 300) { seed, random in
            let original = Self.request(&random)
            let stream = random.chance(50)
            let body = OpenAIResponsesRequestMapping.body(for: original, stream: stream)
            let read = try OpenAIResponsesServerRequest(decoding: try JSONValue(parsing: body.jsonString))
            #expect(read.request == original, "seed \(seed)")
            #expect(read.stream == stream)
            // And back: the server's reading, written again, is the same body.
            #expect(OpenAIResponsesRequestMapping.body(for: read.request, stream: stream) == body)
        }
    }

    // MARK: Replies and streams: server side out, client side in

    /// A reply within what the format carries: no cache-write tokens, no stop sequence (a natural end and a stop
    /// sequence are both `completed`); reasoning is compared as text (the client side keeps the whole item as the
    /// signature; ``aSignatureFromAnotherProviderGoesBackUpstreamUnchanged`` follows a signature through).
    static func response(_ random: inout RandomChat) -> LLMResponse {
        let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
        let text = calls.isEmpty || random.chance(50) ? random.text(1...12) : ""
        let reasoning = random.chance(30) ? [ReasoningBlock(text: random.text(), signature: random.chance(50) ? "sig-\(random.int(0...99))" : nil)] : []
        let stop: StopReason = calls.isEmpty ? random.pick([.endTurn, .maxTokens, .contentFilter]) : .toolCalls
        return LLMResponse(
            content: text, toolCalls: calls, reasoning: reasoning, model: random.pick(["gpt-5-mini", "smol"]),
            usage: random.usage(), stopReason: stop)
    }

    func client(_ replies: [ReplayTransport.Reply]) -> OpenAIResponsesProvider {
        OpenAIResponsesProvider(
            configuration: OpenAIConfiguration(name: "gateway", baseURL: "http://gateway/v1", retryPolicy: .none),
            transport: ReplayTransport(replies))
    }

    @Test func aReplyWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            let body = OpenAIResponsesServerResponse.response(original, id: "resp_\(seed)", createdAt: 1_700_000_000).jsonString
            let read = try await client([.init(body: body)]).complete(ServerRoundTrip.question)
            ServerRoundTrip.expectSame(read, original, seed: seed, reasoningTextOnly: true)
            #expect(read.id == "resp_\(seed)")
        }
    }

    @Test func aStreamWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            var encoder = OpenAIResponsesStreamEncoder(id: "resp_\(seed)", createdAt: 1, model: "m")
            var body = ByteBuffer()
            for event in OpenAIServerRoundTripTests.events(for: original, &random) {
                for out in encoder.events(for: event) { OpenAIResponsesStreamEncoder.sseEvent(out, into: &body) }
            }
            // Fed in small pieces, as a network would.
            let reply = ReplayTransport.Reply(body: Array(body.readableBytesView), chunkSize: random.int(1...64))
            let read = try await client([reply]).stream(ServerRoundTrip.question).collectResponse()
            ServerRoundTrip.expectSame(read, original, seed: seed, reasoningTextOnly: true)
        }
    }

    /// The final `response.completed` event holds the whole reply, in output order: what the SDKs' stream helpers
    /// return as the final response.
    @Test func theCompletedEventHoldsTheWholeReply() throws {
        var encoder = OpenAIResponsesStreamEncoder(id: "resp_1", createdAt: 1, model: "m")
        let calls = [ToolCall(id: "call_P", name: "get_weather", arguments: ["city": "Paris"]), ToolCall(id: "call_O", name: "get_weather", arguments: ["city": "Oslo"])]
        var events: [JSONValue] = []
        for event: StreamEvent in [
            .start(id: nil, model: "smol"), .reasoningStart, .reasoningDelta("Think."), .reasoningDelta("", signature: "sig-abc"),
            .textDelta("Hi", snapshot: TextSnapshot("Hi")), .textEnd("Hi"),
            .toolCallStart(index: 0, id: "call_P", name: "get_weather"), .toolCallStart(index: 1, id: "call_O", name: "get_weather"),
            .toolCallDelta(index: 1, arguments: #"{"city":"Oslo"}"#), .toolCallDelta(index: 0, arguments: #"{"city":"Paris"}"#),
            .toolCall(index: 1, calls[1]), .toolCall(index: 0, calls[0]),
            .finish(stopReason: .toolCalls, usage: Usage(inputTokens: 5, outputTokens: 7), model: "smol"),
        ] {
            events += encoder.events(for: event)
        }
        #expect(events.first?["type"] == "response.created")
        #expect(events.map { $0["sequence_number"]?.intValue } == Array(0..<events.count).map { Optional($0) })
        let completed = try #require(events.last)
        #expect(completed["type"] == "response.completed")
        let output = try #require(completed["response"]?["output"]?.arrayValue)
        #expect(output.map { $0["type"]?.stringValue } == ["reasoning", "message", "function_call", "function_call"])
        #expect(output[0]["encrypted_content"] == "sig-abc")
        #expect(output[0]["summary"]?.arrayValue?.first?["text"] == "Think.")
        #expect(output[2]["call_id"] == "call_P")
        #expect(output[2]["arguments"] == #"{"city":"Paris"}"#)
        #expect(output[3]["call_id"] == "call_O")
        #expect(completed["response"]?["usage"]?["output_tokens"] == 7)
        #expect(completed["response"]?["model"] == "smol")
    }

    /// Anthropic's or Gemini's signature, served as a reasoning item's `encrypted_content`, comes back in the next
    /// request as the client side writes it, and the server side reads it as the same signature.
    @Test func aSignatureFromAnotherProviderGoesBackUpstreamUnchanged() async throws {
        let upstream = LLMResponse(
            content: "42", reasoning: [ReasoningBlock(text: "Let me think.", signature: "sig-abc")], model: "m", usage: Usage(), stopReason: .endTurn)
        let body = OpenAIResponsesServerResponse.response(upstream, id: "resp_1", createdAt: 1).jsonString
        let read = try await client([.init(body: body)]).complete(ServerRoundTrip.question)

        let next = ChatRequest(model: "m", messages: [.user("6 x 7?"), read.message, .user("Thanks.")])
        let served = try OpenAIResponsesServerRequest(decoding: try JSONValue(parsing: OpenAIResponsesRequestMapping.body(for: next, stream: false).jsonString))

        let turn = try #require(served.request.messages.first { $0.role == .assistant })
        #expect(turn.reasoning.map(\.signature) == ["sig-abc"])
        #expect(turn.reasoning.map(\.text) == ["Let me think."])
        #expect(turn.text == "42")
    }

    // MARK: Errors: server side out, client side in

    @Test(arguments: OpenAIServerRoundTripTests.errors)
    func anErrorWrittenByTheServerSideReadsBackAsTheSameKind(_ error: LLMError) async throws {
        let read = await ServerRoundTrip.readError(OpenAIResponsesServerResponse.error(error), client: client)

        let expected: String = switch error {
        case .timeout, .network: "server_error"  // the gateway's own 502/504: the upstream failed
        default: error.kind
        }
        #expect(read?.kind == expected, "\(String(describing: read))")
        #expect(read?.retryAfter == error.retryAfter)
    }

    @Test(arguments: [
        LLMError.rateLimited(retryAfter: nil, ProviderErrorDetails(provider: "upstream", message: "slow down")),
        .contextLengthExceeded(ProviderErrorDetails(provider: "upstream", message: "too long")),
        .overloaded(retryAfter: nil, ProviderErrorDetails(provider: "upstream", message: "busy")),
    ])
    func anErrorInAStreamEndsItAsTheSameKind(_ failure: LLMError) async throws {
        var encoder = OpenAIResponsesStreamEncoder(id: "resp_1", createdAt: 1, model: "m")
        var body = ByteBuffer()
        for out in encoder.events(for: .start(id: nil, model: "m")) + encoder.events(for: .textDelta("Hi", snapshot: TextSnapshot("Hi")))
            + encoder.failed(failure)
        {
            OpenAIResponsesStreamEncoder.sseEvent(out, into: &body)
        }

        var text = ""
        let error = await llmError {
            for try await event in client([.init(body: Array(body.readableBytesView))]).stream(ServerRoundTrip.question) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        }
        #expect(text == "Hi")
        #expect(error?.kind == failure.kind)
    }

    // MARK: Bad input

    @Test(arguments: [
        (#"[]"#, "the body must be an object"),
        (#"{"input":"x"}"#, "model is required"),
        (#"{"model":"m"}"#, "input is required"),
        (#"{"model":"m","input":7}"#, "input must be a string or an array of items"),
        (#"{"model":"m","input":[{"role":"robot","content":"x"}]}"#, "input[0].role must be"),
        (#"{"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_file","file_id":"f"}]}]}"#, "input[0].content[0].type must be"),
        (#"{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{oops"}]}"#, "input[0].arguments is not valid JSON"),
        (#"{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}"#, "input[0].type item_reference is not supported"),
        (#"{"model":"m","input":"x","previous_response_id":"resp_1"}"#, "previous_response_id is not supported"),
        (#"{"model":"m","input":"x","tools":[{"type":"web_search"}]}"#, "tools[0].type must be function"),
        (#"{"model":"m","input":"x","max_output_tokens":"many"}"#, "max_output_tokens must be an integer"),
        (#"{"model":"m","input":"x","text":{"format":{"type":"xml"}}}"#, "text.format.type must be"),
        (#"{"model":"m","input":"x","reasoning":{"effort":"extreme"}}"#, "reasoning.effort must be"),
    ])
    func badInputIsAnInvalidRequestNamingWhere(_ body: String, _ message: String) {
        ServerRoundTrip.expectInvalidRequest(message) { _ = try OpenAIResponsesServerRequest(decoding: try JSONValue(parsing: body)) }
    }
}
