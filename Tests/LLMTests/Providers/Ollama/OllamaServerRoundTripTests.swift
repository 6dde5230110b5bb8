@testable import LLM
import LLMTesting
import NIOCore
import NIOHTTP1
import PropertyBased
import Testing

/// The two sides of Ollama's `/api/chat` format agree, in every field the format can carry: requests written by the
/// client side read back unchanged on the server side; replies, NDJSON streams (fed in pieces) and errors written by
/// the server side read back unchanged on the client side. Random cases, reproducible from the reported seed.
@Suite struct OllamaServerRoundTripTests {
    /// A request as Ollama carries it: text and base64 images (no URLs, no media type: read back as PNG), tool
    /// results with their call id and tool name but no error flag, no tool choice, thinking as plain text (no
    /// signature), reasoning as an effort level or on.
    static func request(_ random: inout RandomChat) -> ChatRequest {
        var messages: [Message] = []
        for _ in 0..<random.int(1...6) {
            switch random.int(0...3) {
            case 0:
                var parts: [ContentPart] = [.text(random.text())]
                if random.chance(30) { parts.append(.image(.base64(data: "iVBORw0KGgo\(random.int(0...99))=", mediaType: "image/png"))) }
                messages.append(.user(parts))
            case 1:
                let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
                let text = calls.isEmpty || random.chance(50) ? random.text() : ""
                let thinking = random.chance(30) ? [ReasoningBlock(text: random.text())] : []
                messages.append(.assistant(text, toolCalls: calls, reasoning: thinking))
            case 2:
                messages.append(.tool(ToolResult(toolCallID: "call_\(random.int(0...999))", name: random.identifier(), content: random.text())))
            default:
                if messages.isEmpty { messages.append(.user(random.text())) } else { messages.append(.system(random.text())) }
            }
        }
        var request = ChatRequest(model: random.pick(["llama3.2", "qwen3:8b"]), messages: messages)
        if random.chance(50) { request.system = random.text() }
        if random.chance(50) { request.tools = (0..<random.int(1...3)).map { _ in random.tool() } }
        if random.chance(50) { request.maxTokens = random.int(1...8192) }
        if random.chance(50) { request.temperature = Double(random.int(0...16)) / 8 }
        if random.chance(30) { request.topP = Double(random.int(1...8)) / 8 }
        if random.chance(30) { request.stopSequences = (0..<random.int(1...3)).map { _ in random.text(1...2) } }
        if random.chance(30) { request.seed = random.int(0...1_000_000) }
        if random.chance(30) { request.reasoning = random.chance(50) ? ReasoningOptions() : ReasoningOptions(effort: random.pick([.low, .medium, .high])) }
        switch random.int(0...2) {
        case 0: break
        case 1: request.responseFormat = .jsonObject
        default: request.responseFormat = .jsonSchema(name: "output", schema: JSONSchema(["type": "object"]), strict: true)
        }
        if random.chance(30) { request.extraFields = ["keep_alive": "5m", "options": ["num_ctx": .int(random.int(512...8192))]] }
        return request
    }

    @Test func aRequestWrittenByTheClientSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 300) { seed, random in
            let original = Self.request(&random)
            let stream = random.chance(50)
            let body = try OllamaRequestMapping.body(for: original, options: OllamaOptions(), stream: stream, provider: "ollama")
            let read = try OllamaChatServerRequest(decoding: try JSONValue(parsing: body.jsonString))
            #expect(read.request == original, "seed \(seed)")
            #expect(read.stream == stream)
        }
    }

    /// A reply as Ollama carries it: no cache or reasoning token counts, `stop` or `length` only, thinking without
    /// signature, tool calls with ids.
    static func response(_ random: inout RandomChat) -> LLMResponse {
        let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
        let text = calls.isEmpty || random.chance(50) ? random.text(1...12) : ""
        let stop: StopReason = calls.isEmpty ? random.pick([.endTurn, .maxTokens]) : .toolCalls
        return LLMResponse(
            content: text, toolCalls: calls, reasoning: random.chance(30) ? [ReasoningBlock(text: random.text())] : [],
            model: random.pick(["llama3.2", "smol"]), usage: Usage(inputTokens: random.int(0...5000), outputTokens: random.int(0...2000)),
            stopReason: stop)
    }

    func client(_ replies: [ReplayTransport.Reply]) -> OllamaProvider {
        OllamaProvider(configuration: OllamaConfiguration(name: "gateway", host: "http://gateway", retryPolicy: .none), transport: ReplayTransport(replies))
    }

    @Test func aReplyWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            let body = OllamaChatServerResponse.reply(original, createdAt: "2026-12-04T00:00:00Z").jsonString
            let read = try await client([.init(body: body)]).complete(ServerRoundTrip.question)
            ServerRoundTrip.expectSame(read, original, seed: seed, reasoningTextOnly: true)
        }
    }

    @Test func aStreamWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            var events: [StreamEvent] = [.start(id: nil, model: original.model)]
            if let thinking = original.reasoning.first { events += [.reasoningStart, .reasoningDelta(thinking.text)] }
            var withoutReasoning = original
            withoutReasoning.reasoning = []
            events += OpenAIServerRoundTripTests.events(for: withoutReasoning, &random).dropFirst()
            var encoder = OllamaChatStreamEncoder(model: "m", createdAt: "2026-12-04T00:00:00Z")
            var body = ByteBuffer()
            for event in events {
                for line in encoder.lines(for: event) { OllamaChatStreamEncoder.line(line, into: &body) }
            }
            let reply = ReplayTransport.Reply(body: Array(body.readableBytesView), chunkSize: random.int(1...64))
            let read = try await client([reply]).stream(ServerRoundTrip.question).collectResponse()
            ServerRoundTrip.expectSame(read, original, seed: seed, reasoningTextOnly: true)
        }
    }

    @Test(arguments: OpenAIServerRoundTripTests.errors)
    func anErrorWrittenByTheServerSideReadsBackAsTheSameStatusClass(_ error: LLMError) async throws {
        let answer = OllamaChatServerResponse.error(error)

        let read = await ServerRoundTrip.readError(answer, client: client)

        // Ollama's errors are a status and a message: the kind travels as the status.
        #expect(read?.httpStatus == answer.status, "\(String(describing: read))")
        #expect(read?.retryAfter == error.retryAfter)
        #expect(read?.details?.message.isEmpty == false)
    }

    @Test(arguments: [
        (#"{"messages":[]}"#, "model is required"),
        (#"{"model":"m","messages":[{"role":"robot","content":"x"}]}"#, "messages[0].role must be"),
        (#"{"model":"m","messages":[{"role":"user","content":7}]}"#, "messages[0].content must be a string"),
        (#"{"model":"m","messages":[{"role":"user","content":"x","images":"abc"}]}"#, "messages[0].images must be an array"),
        (#"{"model":"m","options":{"num_predict":"lots"}}"#, "options.num_predict must be an integer"),
        (#"{"model":"m","think":"very"}"#, "think must be"),
        (#"{"model":"m","format":7}"#, "format must be"),
        (#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":[1]}}]}]}"#,
         "messages[0].tool_calls[0].function.arguments must be a JSON object"),
    ])
    func badInputIsAnInvalidRequestNamingWhere(_ body: String, _ message: String) {
        ServerRoundTrip.expectInvalidRequest(message) { _ = try OllamaChatServerRequest(decoding: try JSONValue(parsing: body)) }
    }
}
