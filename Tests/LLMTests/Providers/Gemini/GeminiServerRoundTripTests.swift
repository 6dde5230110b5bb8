import Foundation
@testable import LLM
import LLMTesting
import NIOCore
import NIOHTTP1
import PropertyBased
import Testing

/// The two sides of Gemini's `generateContent` format agree, in every field the format can carry: requests written
/// by the client side read back unchanged on the server side; replies, SSE streams (fed in pieces) and errors written
/// by the server side read back unchanged on the client side. Random cases, reproducible from the reported seed.
@Suite struct GeminiServerRoundTripTests {
    /// A request as Gemini carries it: turns alternate (same-role neighbours merge), tool results name their tool,
    /// ids are the caller's own (`call_<n>` is the client side's made-up id, never sent), thoughts carry signatures,
    /// a text signature only beside text, reasoning as a token budget, no system-role messages, a JSON-object tool
    /// result in compact form.
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
                                : .image(.base64(data: "iVBORw0KGgo\(random.int(0...99))=", mediaType: random.pick(["image/png", "image/jpeg"]))))
                        }
                        messages.append(.user(parts))
                        lastWasUser = true
                    } else {
                        // A result that is a JSON object travels as the object (Gemini's `response`), so it reads
                        // back as compact JSON: random text such as " {}" is written that way here.
                        var content = random.text()
                        if case .object? = try? JSONValue(parsing: content) { content = (try? JSONValue(parsing: content))?.jsonString ?? content }
                        messages.append(.tool(ToolResult(
                            toolCallID: "fc_\(random.int(0...999))", name: random.identifier(), content: content, isError: random.chance(20))))
                        lastWasUser = false
                    }
                }
            } else {
                let calls = (0..<random.int(0...3)).map { _ in
                    ToolCall(id: "fc_\(random.int(0...99_999))", name: random.identifier(), arguments: random.arguments(),
                             signature: random.chance(30) ? "sig-\(random.int(0...999))" : nil)
                }
                let text = calls.isEmpty || random.chance(50) ? random.text() : ""
                var reasoning = (0..<random.int(0...2)).map { _ in ReasoningBlock(text: random.text(), signature: "sig-\(random.int(0...999))") }
                if !text.isEmpty, random.chance(30) { reasoning.append(ReasoningBlock(text: "", signature: "sig-text-\(random.int(0...999))")) }
                messages.append(.assistant(text, toolCalls: calls, reasoning: reasoning))
            }
        }
        var request = ChatRequest(model: "gemini-2.5-flash", messages: messages)
        if random.chance(50) { request.system = random.text() }
        if random.chance(50) {
            request.tools = (0..<random.int(1...3)).map { _ in random.tool() }
            if random.chance(50) { request.toolChoice = random.pick([ToolChoice.auto, ToolChoice.none, .required, .tool(random.identifier())]) }
        }
        if random.chance(50) { request.maxTokens = random.int(1...8192) }
        if random.chance(50) { request.temperature = Double(random.int(0...16)) / 8 }
        if random.chance(30) { request.topP = Double(random.int(1...8)) / 8 }
        if random.chance(30) { request.stopSequences = (0..<random.int(1...3)).map { _ in random.text(1...2) } }
        if random.chance(30) { request.seed = random.int(0...1_000_000) }
        if random.chance(30) { request.reasoning = ReasoningOptions(budgetTokens: random.int(0...24_000)) }
        switch random.int(0...2) {
        case 0: break
        case 1: request.responseFormat = .jsonObject
        default:
            request.responseFormat = .jsonSchema(
                name: "output", schema: JSONSchema(["type": "object", "properties": .object([random.identifier(): ["type": "integer"]])]), strict: true)
        }
        if random.chance(30) {
            request.extraFields = ["generationConfig": ["topK": .int(random.int(1...40))], "safetySettings": [["category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"]]]
        }
        return request
    }

    @Test func aRequestWrittenByTheClientSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 300) { seed, random in
            let original = Self.request(&random)
            let body = GeminiRequestMapping.body(for: original)
            let read = try GeminiGenerateContentServerRequest(decoding: try JSONValue(parsing: body.jsonString), model: original.model)
            #expect(read.request == original, "seed \(seed)")
        }
    }

    /// A reply as Gemini carries it: no cache-write tokens, ids of the caller's own, signed thoughts (an unsigned one
    /// only last: unsigned thoughts in a row are one), signatures in base64 as Gemini's are (others are wrapped: see
    /// ``aSignatureThatIsNotBase64IsWrappedAndComesBackAsItWas``), a blocked reply always with some text.
    static func response(_ random: inout RandomChat) -> LLMResponse {
        let calls = (0..<random.int(0...3)).map { _ in
            ToolCall(id: "fc_\(random.int(0...99_999))", name: random.identifier(), arguments: random.arguments(),
                     signature: random.chance(30) ? Self.base64("sig-\(random.int(0...999))") : nil)
        }
        let text = calls.isEmpty || random.chance(50) ? random.text(1...12) : ""
        var reasoning = (0..<random.int(0...2)).map { _ in ReasoningBlock(text: random.text(), signature: Self.base64("sig-\(random.int(0...999))")) }
        if random.chance(20) { reasoning.append(ReasoningBlock(text: random.text())) }
        if random.chance(20) { reasoning.append(ReasoningBlock(text: "", signature: Self.base64("sig-text-\(random.int(0...999))"))) }
        let stop: StopReason = calls.isEmpty ? random.pick([.endTurn, .maxTokens, .contentFilter]) : .toolCalls
        let output = random.int(0...2000)
        let input = random.int(0...5000)
        return LLMResponse(
            content: text, toolCalls: calls, reasoning: reasoning, model: "gemini-2.5-flash",
            usage: Usage(inputTokens: input, outputTokens: output, cacheReadTokens: random.int(0...input), reasoningTokens: random.int(0...output)),
            stopReason: stop)
    }

    func client(_ replies: [ReplayTransport.Reply]) -> GeminiProvider {
        GeminiProvider(configuration: GeminiConfiguration(name: "gateway", baseURL: "http://gateway/v1beta", retryPolicy: .none), transport: ReplayTransport(replies))
    }

    @Test func aReplyWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            let body = GeminiServerResponse.reply(original, id: "resp-\(seed)").jsonString
            let read = try await client([.init(body: body)]).complete(ServerRoundTrip.question)
            ServerRoundTrip.expectSame(read, original, seed: seed)
        }
    }

    @Test func aStreamWrittenByTheServerSideReadsBackUnchanged() async {
        await ServerRoundTrip.check(count: 200) { seed, random in
            let original = Self.response(&random)
            var events: [StreamEvent] = [.start(id: "up", model: original.model)]
            var textSignature: String?
            for block in original.reasoning {
                if block.text.isEmpty { textSignature = block.signature; continue }
                events += [.reasoningStart, .reasoningDelta(block.text)]
                if let signature = block.signature { events.append(.reasoningDelta("", signature: signature)) }
            }
            var rest = original
            rest.reasoning = []
            var body = OpenAIServerRoundTripTests.events(for: rest, &random).dropFirst()
            if let textSignature, let end = body.firstIndex(where: { if case .usage = $0 { true } else { false } }) {
                body.insert(contentsOf: [.reasoningStart, .reasoningDelta("", signature: textSignature)], at: end)
            }
            events += body
            var encoder = GeminiStreamEncoder(id: "resp-\(seed)", model: "m")
            var bytes = ByteBuffer()
            for event in events {
                for chunk in encoder.chunks(for: event) { GeminiStreamEncoder.sseEvent(chunk, into: &bytes) }
            }
            let reply = ReplayTransport.Reply(body: Array(bytes.readableBytesView), chunkSize: random.int(1...64))
            let read = try await client([reply]).stream(ServerRoundTrip.question).collectResponse()
            ServerRoundTrip.expectSame(read, original, seed: seed)
        }
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The google-genai SDKs refuse a reply whose `thoughtSignature` is not base64, so another provider's signature goes
    /// out wrapped in base64; the SDK sends it back as URL-safe base64 and the server side reads the signature it was.
    @Test func aSignatureThatIsNotBase64IsWrappedAndComesBackAsItWas() throws {
        let anthropic = "EqQBCkgIARABGAIiQL+/sig"  // not a multiple of four: not base64
        let reply = GeminiServerResponse.reply(
            LLMResponse(content: "42", reasoning: [ReasoningBlock(text: "Let me think.", signature: anthropic)], model: "m", usage: Usage(), stopReason: .endTurn),
            id: "r")
        let sent = try #require(reply["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue?.first?["thoughtSignature"]?.stringValue)
        #expect(Data(base64Encoded: sent) != nil)
        #expect(sent != anthropic)

        // What the SDK sends back: the same bytes, URL-safe.
        let urlSafe = sent.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let body: JSONValue = ["contents": [
            ["role": "user", "parts": [["text": "6 x 7?"]]],
            ["role": "model", "parts": [["text": "Let me think.", "thought": true, "thoughtSignature": .string(urlSafe)], ["text": "42"]]],
        ]]
        let read = try GeminiGenerateContentServerRequest(decoding: body, model: "m")
        #expect(read.request.messages.last?.reasoning.map(\.signature) == [anthropic])

        // Gemini's own signatures are base64 already and pass unchanged.
        #expect(GeminiThoughtSignature.wire(Self.base64("real")) == Self.base64("real"))
    }

    /// google-genai sends some nested members in snake case (`parameters_json_schema`, `thinking_config`), which proto3
    /// JSON allows; they are read like their camelCase names and not passed on as unknown members.
    @Test func snakeCaseMembersReadLikeCamelCase() throws {
        let body: JSONValue = [
            "contents": [["role": "user", "parts": [["text": "Weather?"]]]],
            "tools": [["function_declarations": [["name": "get_weather", "parameters_json_schema": ["type": "object", "properties": ["city": ["type": "string"]]]]]]],
            "generation_config": ["max_output_tokens": 64, "thinking_config": ["include_thoughts": true, "thinking_budget": 2048]],
        ]
        let read = try GeminiGenerateContentServerRequest(decoding: body, model: "m").request
        #expect(read.tools.first?.parameters.value["properties"]?["city"] != nil)
        #expect(read.maxTokens == 64)
        #expect(read.reasoning == ReasoningOptions(budgetTokens: 2048))
        #expect(read.extraFields.isEmpty)
    }

    @Test(arguments: OpenAIServerRoundTripTests.errors)
    func anErrorWrittenByTheServerSideReadsBackAsTheSameKind(_ error: LLMError) async throws {
        let answer = GeminiServerResponse.error(error)

        let read = await ServerRoundTrip.readError(answer, client: client)

        let expected: String = switch error {
        case .network: "server_error"
        case .contentFiltered: "invalid_request"
        default: error.kind
        }
        #expect(read?.kind == expected, "\(String(describing: read))")
        #expect(read?.retryAfter == error.retryAfter)
    }

    @Test(arguments: [
        (#"{}"#, "contents is required"),
        (#"{"contents":[{"role":"robot","parts":[]}]}"#, "contents[0].role must be user or model"),
        (#"{"contents":[{"role":"user","parts":[{"functionCall":{"name":"f"}}]}]}"#, "contents[0].parts[0] must hold text"),
        (#"{"contents":[{"role":"user","parts":[{"inlineData":{"data":"x"}}]}]}"#, "contents[0].parts[0].inlineData.mimeType is required"),
        (#"{"contents":[],"generationConfig":{"maxOutputTokens":"lots"}}"#, "generationConfig.maxOutputTokens must be an integer"),
        (#"{"contents":[],"toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}}}"#, "toolConfig.functionCallingConfig.mode must be"),
    ])
    func badInputIsAnInvalidRequestNamingWhere(_ body: String, _ message: String) {
        ServerRoundTrip.expectInvalidRequest(message) { _ = try GeminiGenerateContentServerRequest(decoding: try JSONValue(parsing: body), model: "m") }
    }
}
