@testable import LLM
import LLMTesting
import NIOCore
import NIOHTTP1
import PropertyBased
import Testing

/// The two sides of the Anthropic Messages format agree, in every field the format can carry: requests written by
/// the client side read back unchanged on the server side; replies, streams (fed in pieces) and errors written by
/// the server side read back unchanged on the client side. Random cases, reproducible from the reported seed.
@Suite struct AnthropicServerRoundTripTests {
    static func reasoning(_ random: inout RandomChat) -> [ReasoningBlock] {
        (0..<random.int(0...2)).map { _ in
            random.chance(25)
                ? ReasoningBlock(redactedData: "EmwK\(random.int(0...9999))==")
                : ReasoningBlock(text: random.text(), signature: "sig-\(random.int(0...99_999))")
        }
    }

    /// A request as Anthropic carries it: turns alternate (two user messages in a row would merge into one turn),
    /// tool results sit in user turns, thinking carries its signature, the limit is always given, reasoning is a
    /// token budget, and there are no system-role messages (they join the `system` field).
    static func request(_ random: inout RandomChat) -> ChatRequest {
        var messages: [Message] = []
        for turn in 0..<random.int(1...6) {
            if turn % 2 == 0 {
                var lastWasUser = false
                for _ in 0..<random.int(1...3) {
                    if !lastWasUser && random.chance(50) {
                        var parts: [ContentPart] = [.text(random.text())]
                        if random.chance(30) {
                            parts.append(random.chance(50) ? .image(.url("https://example.com/\(random.int(0...99)).png"))
                                : .image(.base64(data: "iVBORw0KGgo\(random.int(0...99))=", mediaType: "image/png")))
                        }
                        messages.append(.user(parts))
                        lastWasUser = true
                    } else {
                        messages.append(.tool(ToolResult(toolCallID: "toolu_\(random.int(0...999))", content: random.text(), isError: random.chance(20))))
                        lastWasUser = false
                    }
                }
            } else {
                let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
                let text = calls.isEmpty || random.chance(50) ? random.text() : ""
                messages.append(.assistant(text, toolCalls: calls, reasoning: reasoning(&random)))
            }
        }
        var request = ChatRequest(model: random.pick(["claude-sonnet-4-5", "smol"]), messages: messages, maxTokens: random.int(1...8192))
        if random.chance(50) { request.system = random.text() }
        if random.chance(50) { request.tools = (0..<random.int(1...3)).map { _ in random.tool() } }
        if random.chance(40) { request.toolChoice = random.pick([ToolChoice.auto, ToolChoice.none, .required, .tool(random.identifier())]) }
        if random.chance(50) { request.temperature = Double(random.int(0...8)) / 8 }
        if random.chance(30) { request.topP = Double(random.int(1...8)) / 8 }
        if random.chance(30) { request.stopSequences = (0..<random.int(1...3)).map { _ in random.text(1...2) } }
        if random.chance(30) { request.reasoning = ReasoningOptions(budgetTokens: random.int(1024...32_000)) }
        if random.chance(30) { request.extraFields = ["metadata": ["user_id": .string(random.text())], "top_k": .int(random.int(1...50))] }
        return request
    }

    @Test func aRequestWrittenByTheClientSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 300) { seed, random in
            let original = Self.request(&random)
            let stream = random.chance(50)
            let options = AnthropicOptions(cacheSystemPrompt: random.chance(30), cacheTools: random.chance(30))
            let body = AnthropicRequestMapping.body(for: original, options: options, stream: stream)
            let read = try AnthropicMessagesServerRequest(decoding: try JSONValue(parsing: body.jsonString))
            #expect(read.request == original, "seed \(seed)")
            #expect(read.stream == stream)
        }
    }

    /// A reply as Anthropic carries it: no reasoning-token count (the format has none).
    static func response(_ random: inout RandomChat) -> LLMResponse {
        let calls = (0..<random.int(0...3)).map { _ in random.toolCall() }
        let text = calls.isEmpty || random.chance(50) ? random.text(1...12) : ""
        let stop: StopReason = calls.isEmpty ? random.pick([.endTurn, .maxTokens, .stopSequence, .contentFilter]) : .toolCalls
        let cacheRead = random.int(0...2000), cacheWrite = random.int(0...500)
        let usage = Usage(
            inputTokens: random.int(0...3000) + cacheRead + cacheWrite, outputTokens: random.int(0...2000),
            cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite)
        return LLMResponse(
            content: text, toolCalls: calls, reasoning: reasoning(&random), model: random.pick(["claude-sonnet-4-5", "smol"]),
            usage: usage, stopReason: stop)
    }

    func client(_ replies: [ReplayTransport.Reply]) -> AnthropicProvider {
        AnthropicProvider(
            configuration: AnthropicConfiguration(name: "gateway", baseURL: "http://gateway/v1", retryPolicy: .none),
            transport: ReplayTransport(replies))
    }

    @Test func aReplyWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            let body = AnthropicMessagesServerResponse.message(original, id: "msg_\(seed)").jsonString
            let read = try await client([.init(body: body)]).complete(ServerRoundTrip.question)
            ServerRoundTrip.expectSame(read, original, seed: seed)
            #expect(read.id == "msg_\(seed)")
        }
    }

    @Test func aStreamWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            var events: [StreamEvent] = [.start(id: "up", model: original.model)]
            for block in original.reasoning {
                if let data = block.redactedData {
                    events.append(.reasoningRedacted(data))
                } else {
                    events += [.reasoningStart, .reasoningDelta(block.text), .reasoningDelta("", signature: block.signature)]
                }
            }
            var withoutReasoning = original
            withoutReasoning.reasoning = []
            // The text and tool calls as a provider streams them (shared with the OpenAI round trip).
            events += OpenAIServerRoundTripTests.events(for: withoutReasoning, &random).dropFirst()
            var encoder = AnthropicMessagesStreamEncoder(id: "msg_\(seed)", model: "m")
            var body = ByteBuffer()
            for event in events {
                for out in encoder.events(for: event) { AnthropicMessagesStreamEncoder.sseEvent(out, into: &body) }
            }
            let reply = ReplayTransport.Reply(body: Array(body.readableBytesView), chunkSize: random.int(1...64))
            let read = try await client([reply]).stream(ServerRoundTrip.question).collectResponse()
            ServerRoundTrip.expectSame(read, original, seed: seed)
        }
    }

    @Test(arguments: OpenAIServerRoundTripTests.errors)
    func anErrorWrittenByTheServerSideReadsBackAsTheSameKind(_ error: LLMError) async throws {
        let answer = AnthropicMessagesServerResponse.error(error)

        let read = await ServerRoundTrip.readError(answer, client: client)

        let expected: String = switch error {
        case .network, .contentFiltered: error.kind == "network" ? "server_error" : "invalid_request"
        default: error.kind
        }
        #expect(read?.kind == expected, "\(String(describing: read))")
        #expect(read?.retryAfter == error.retryAfter)
    }

    @Test func anErrorInAStreamEndsItAsTheSameKind() async throws {
        var encoder = AnthropicMessagesStreamEncoder(id: "msg", model: "m")
        var body = ByteBuffer()
        for event in encoder.events(for: .start(id: nil, model: "m")) + encoder.events(for: .textDelta("Hi", snapshot: TextSnapshot("Hi"))) {
            AnthropicMessagesStreamEncoder.sseEvent(event, into: &body)
        }
        let details = ProviderErrorDetails(provider: "upstream", message: "busy")
        AnthropicMessagesStreamEncoder.sseEvent(AnthropicMessagesStreamEncoder.errorEvent(.overloaded(retryAfter: nil, details)), into: &body)

        var text = ""
        let error = await llmError {
            for try await event in client([.init(body: Array(body.readableBytesView))]).stream(ServerRoundTrip.question) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        }
        #expect(text == "Hi")
        #expect(error?.kind == "overloaded")
    }

    @Test(arguments: [
        (#"{"max_tokens":5,"messages":[]}"#, "model is required"),
        (#"{"model":"m","messages":[{"role":"system","content":"x"}]}"#, "messages[0].role must be user or assistant"),
        (#"{"model":"m","messages":[{"role":"user","content":[{"type":"tool_use","id":"1","name":"f","input":{}}]}]}"#,
         "messages[0].content[0].type must be text, image or tool_result"),
        (#"{"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"file"}}]}]}"#,
         "messages[0].content[0].source.type must be base64 or url"),
        (#"{"model":"m","messages":[],"tools":[{"type":"web_search_20250305","name":"web_search"}]}"#, "tools[0].input_schema is required"),
        (#"{"model":"m","messages":[],"tool_choice":{"type":"sometimes"}}"#, "tool_choice.type must be"),
        (#"{"model":"m","messages":[],"thinking":{"type":"enabled"}}"#, "thinking.budget_tokens must be an integer"),
    ])
    func badInputIsAnInvalidRequestNamingWhere(_ body: String, _ message: String) {
        ServerRoundTrip.expectInvalidRequest(message) { _ = try AnthropicMessagesServerRequest(decoding: try JSONValue(parsing: body)) }
    }
}
