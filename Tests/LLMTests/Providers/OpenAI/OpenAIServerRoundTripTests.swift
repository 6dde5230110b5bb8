@testable import LLM
import LLMTesting
import NIOCore
import NIOHTTP1
import PropertyBased
import Testing

/// The two sides of the Chat Completions format agree: what the client side writes, the server side reads back
/// unchanged, and what the server side writes (replies, streams, errors), the client side reads back unchanged, in
/// every field the format can carry. Random cases, reproducible from the seed PropertyBased reports.
@Suite struct OpenAIServerRoundTripTests {
    // MARK: Requests: client side out, server side in

    /// A request within what Chat Completions carries: one text part per plain message (the client side joins
    /// text parts into one string), no tool-result names or error flags (the format has no place for them), no
    /// system-role message before the first other message (it reads back as the `system` field).
    static func request(_ random: inout RandomChat) -> ChatRequest {
        var messages: [Message] = []
        for _ in 0..<random.int(1...6) {
            switch random.int(0...4) {
            case 0:
                messages.append(.user(random.text()))
            case 1:
                var parts: [ContentPart] = [.text(random.text())]
                parts.append(random.chance(50) ? .image(.url("https://example.com/\(random.int(0...99)).png"))
                    : .image(.base64(data: "iVBORw0KGgo\(random.int(0...99))=", mediaType: random.pick(["image/png", "image/jpeg"]))))
                if random.chance(50) { parts.append(.text(random.text())) }
                messages.append(Message(role: .user, content: parts, name: random.chance(20) ? "alice" : nil))
            case 2:
                let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
                let text = calls.isEmpty || random.chance(50) ? random.text() : ""
                messages.append(.assistant(text, toolCalls: calls))
            case 3:
                messages.append(.tool(ToolResult(toolCallID: "call_\(random.int(0...999))", content: random.text())))
            default:
                if !messages.isEmpty { messages.append(.system(random.text())) } else { messages.append(.user(random.text())) }
            }
        }
        var request = ChatRequest(model: random.pick(["gpt-4o-mini", "smol", "org/model-7b"]), messages: messages)
        if random.chance(50) { request.system = random.text() }
        if random.chance(50) { request.tools = (0..<random.int(1...3)).map { _ in random.tool() } }
        if random.chance(40) { request.toolChoice = random.pick([ToolChoice.auto, ToolChoice.none, .required, .tool(random.identifier())]) }
        if random.chance(50) { request.maxTokens = random.int(1...8192) }
        if random.chance(50) { request.temperature = Double(random.int(0...16)) / 8 }
        if random.chance(30) { request.topP = Double(random.int(1...8)) / 8 }
        if random.chance(30) { request.stopSequences = (0..<random.int(1...3)).map { _ in random.text(1...2) } }
        if random.chance(30) { request.seed = random.int(0...1_000_000) }
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
            let usage = stream && random.chance(50)
            let body = OpenAIRequestMapping.body(for: original, stream: stream, includeStreamUsage: usage)
            let read = try OpenAIChatServerRequest(decoding: try JSONValue(parsing: body.jsonString))
            #expect(read.request == original, "seed \(seed)")
            #expect(read.stream == stream)
            #expect(read.includeStreamUsage == usage)
            // And back: the server's reading, written again, is the same body.
            #expect(OpenAIRequestMapping.body(for: read.request, stream: stream, includeStreamUsage: usage) == body)
        }
    }

    // MARK: Replies and streams: server side out, client side in

    /// A reply within what the format carries: no cache-write tokens, no reasoning signatures, no stop sequence
    /// (Chat Completions says `stop` for both that and a natural end).
    static func response(_ random: inout RandomChat) -> LLMResponse {
        let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
        let text = calls.isEmpty || random.chance(50) ? random.text(1...12) : ""
        let reasoning = random.chance(30) ? [ReasoningBlock(text: random.text())] : []
        let stop: StopReason = calls.isEmpty ? random.pick([.endTurn, .maxTokens, .contentFilter]) : .toolCalls
        return LLMResponse(
            content: text, toolCalls: calls, reasoning: reasoning, model: random.pick(["gpt-4o-mini", "smol"]),
            usage: random.usage(), stopReason: stop)
    }

    func client(_ replies: [ReplayTransport.Reply]) -> OpenAIProvider {
        OpenAIProvider(
            configuration: OpenAIConfiguration(name: "gateway", baseURL: "http://gateway/v1", retryPolicy: .none),
            transport: ReplayTransport(replies))
    }

    @Test func aReplyWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            let body = OpenAIChatServerResponse.completion(original, id: "chatcmpl-\(seed)", created: 1_700_000_000).jsonString
            let read = try await client([.init(body: body)]).complete(ServerRoundTrip.question)
            ServerRoundTrip.expectSame(read, original, seed: seed, reasoningTextOnly: true)
            #expect(read.id == "chatcmpl-\(seed)")
        }
    }

    /// The events a provider streams for `response`: text in pieces, tool calls started and streamed in pieces (or
    /// whole, as providers that do not stream arguments send them), usage, finish.
    static func events(for response: LLMResponse, _ random: inout RandomChat) -> [StreamEvent] {
        var events: [StreamEvent] = [.start(id: "up-1", model: response.model)]
        if let reasoning = response.reasoning.first {
            events.append(.reasoningStart)
            events.append(.reasoningDelta(reasoning.text))
        }
        var snapshot = ""
        var rest = Substring(response.content)
        while !rest.isEmpty {
            let piece = rest.prefix(random.int(1...5))
            rest = rest.dropFirst(piece.count)
            snapshot += piece
            events.append(.textDelta(String(piece), snapshot: TextSnapshot(snapshot)))
        }
        if !response.content.isEmpty { events.append(.textEnd(response.content)) }
        let whole = random.chance(30)
        for (offset, call) in response.toolCalls.enumerated() {
            let index = offset * 2 + 1  // providers' own indices need not be 0, 1, 2
            if !whole {
                events.append(.toolCallStart(index: index, id: call.id, name: call.name))
                var arguments = Substring(call.arguments.jsonString)
                while !arguments.isEmpty {
                    let piece = arguments.prefix(random.int(1...7))
                    arguments = arguments.dropFirst(piece.count)
                    events.append(.toolCallDelta(index: index, arguments: String(piece)))
                }
            }
            events.append(.toolCall(index: index, call))
        }
        events.append(.usage(response.usage))
        events.append(.finish(stopReason: response.stopReason, usage: response.usage, model: response.model))
        return events
    }

    @Test func aStreamWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            var encoder = OpenAIChatStreamEncoder(id: "chatcmpl-\(seed)", created: 1, model: "m", includeUsage: true)
            var body = ByteBuffer()
            for event in Self.events(for: original, &random) {
                for chunk in encoder.chunks(for: event) { OpenAIChatStreamEncoder.sseEvent(chunk, into: &body) }
            }
            body.writeString(OpenAIChatStreamEncoder.done)
            // Fed in small pieces, as a network would.
            let reply = ReplayTransport.Reply(body: Array(body.readableBytesView), chunkSize: random.int(1...64))
            let read = try await client([reply]).stream(ServerRoundTrip.question).collectResponse()
            ServerRoundTrip.expectSame(read, original, seed: seed, reasoningTextOnly: true)
        }
    }

    // MARK: Errors: server side out, client side in

    static let errors: [LLMError] = {
        let details = ProviderErrorDetails(provider: "upstream", status: nil, message: "it went wrong")
        return [
            .authentication(details), .permissionDenied(details), .modelNotFound(details), .invalidRequest(details),
            .contextLengthExceeded(details), .contentFiltered(details), .rateLimited(retryAfter: .seconds(7), details),
            .overloaded(retryAfter: nil, details), .serverError(details), .timeout(.firstByte), .network(reason: "connection refused"),
        ]
    }()

    @Test(arguments: errors)
    func anErrorWrittenByTheServerSideReadsBackAsTheSameKind(_ error: LLMError) async throws {
        let answer = OpenAIChatServerResponse.error(error)

        let read = await ServerRoundTrip.readError(answer, client: client)

        let expected: String = switch error {
        case .timeout, .network: "server_error"  // the gateway's own 502/504: the upstream failed
        default: error.kind
        }
        #expect(read?.kind == expected, "\(String(describing: read))")
        #expect(read?.retryAfter == error.retryAfter)
        #expect(read?.details?.message.isEmpty == false)
    }

    @Test func anErrorInAStreamEndsItAsTheSameKind() async throws {
        var encoder = OpenAIChatStreamEncoder(id: "c", created: 1, model: "m", includeUsage: false)
        var body = ByteBuffer()
        for chunk in encoder.chunks(for: .start(id: nil, model: "m")) + encoder.chunks(for: .textDelta("Hi", snapshot: TextSnapshot("Hi"))) {
            OpenAIChatStreamEncoder.sseEvent(chunk, into: &body)
        }
        let details = ProviderErrorDetails(provider: "upstream", message: "slow down")
        OpenAIChatStreamEncoder.sseEvent(OpenAIChatServerResponse.streamError(.rateLimited(retryAfter: nil, details)), into: &body)

        var text = ""
        let error = await llmError {
            for try await event in client([.init(body: Array(body.readableBytesView))]).stream(ServerRoundTrip.question) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        }
        #expect(text == "Hi")
        #expect(error?.kind == "rate_limited")
    }

    // MARK: Bad input

    @Test(arguments: [
        (#"[]"#, "the body must be an object"),
        (#"{"messages":[]}"#, "model is required"),
        (#"{"model":"m"}"#, "messages is required and must be an array"),
        (#"{"model":"m","messages":[{"role":"robot","content":"x"}]}"#, "messages[0].role must be"),
        (#"{"model":"m","messages":[{"role":"user","content":7}]}"#, "messages[0].content must be a string or an array of parts"),
        (#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{oops"}}]}]}"#,
         "messages[0].tool_calls[0].function.arguments is not valid JSON"),
        (#"{"model":"m","messages":[],"max_tokens":"many"}"#, "max_tokens must be an integer"),
        (#"{"model":"m","messages":[],"stream":"yes"}"#, "stream must be true or false"),
        (#"{"model":"m","messages":[],"response_format":{"type":"xml"}}"#, "response_format.type must be"),
        (#"{"model":"m","messages":[],"tool_choice":42}"#, "tool_choice must be"),
    ])
    func badInputIsAnInvalidRequestNamingWhere(_ body: String, _ message: String) {
        ServerRoundTrip.expectInvalidRequest(message) { _ = try OpenAIChatServerRequest(decoding: try JSONValue(parsing: body)) }
    }
}
