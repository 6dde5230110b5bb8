import Foundation
import LLM
import LLMGateway
import LLMTesting
import NIOCore
import NIOHTTP1
import Testing

/// The count endpoints (`/v1/messages/count_tokens`, `:countTokens`) and Ollama's `/api/generate`, against scripted
/// upstreams.
@Suite struct GatewayCountAndGenerateTests {
    static let environment = ["UPSTREAM_KEY": "sk-upstream-secret"]

    func target(_ model: String, _ baseURL: String) -> GatewayConfiguration.Target {
        GatewayConfiguration.Target(model: model, baseURL: baseURL, apiKeyEnv: "UPSTREAM_KEY")
    }

    func post(_ gateway: RunningGateway, _ path: String, _ body: JSONValue) async throws -> (Int, String, HTTPHeaders) {
        try await exchange(.POST, gateway.baseURL + path, body)
    }

    @Test func tokensAreCountedByTheBackendsTokenizerWhereItHasOneAndEstimatedElsewhere() async throws {
        let upstream = try await StubHTTPServer.start { request in
            if request.path.hasSuffix("/messages/count_tokens") { return .json(200, #"{"input_tokens":42}"#) }
            if request.path.hasSuffix(":countTokens") { return .json(200, #"{"totalTokens":17}"#) }
            return .json(404, #"{"error":"unexpected"}"#)
        }
        defer { Task { try await upstream.shutdown() } }
        let gateway = try await RunningGateway.start(GatewayConfiguration(models: [
            .init(name: "claude", targets: [target("anthropic/claude-up", upstream.baseURL + "/v1")]),
            .init(name: "gem", targets: [target("gemini/gemini-up", upstream.baseURL + "/v1beta")]),
            alias("local", "http://127.0.0.1:9/v1"),
        ]), environment: Self.environment)
        defer { Task { await gateway.stop() } }
        let question = ChatRequest(model: "claude", messages: [.user("What is the weather in Paris today?")], system: "Be terse.")

        // The library's own clients, pointed at the gateway, as any Anthropic or Gemini client would ask.
        let anthropic = AnthropicProvider(configuration: AnthropicConfiguration(name: "client", baseURL: gateway.baseURL + "/v1", retryPolicy: .none))
        #expect(try await anthropic.countTokens(question) == 42)
        let gemini = GeminiProvider(configuration: GeminiConfiguration(name: "client", baseURL: gateway.baseURL + "/v1beta", retryPolicy: .none))
        var geminiQuestion = question
        geminiQuestion.model = "gem"
        #expect(try await gemini.countTokens(geminiQuestion) == 17)

        let sent = upstream.requests.map(\.body)
        #expect(sent.count == 2)
        #expect(sent.first?.contains("claude-up") == true && sent.first?.contains("max_tokens") == false, "\(sent)")
        #expect(sent.last?.contains("Be terse.") == true, "the system instruction counts too: \(sent)")

        // An OpenAI-compatible backend has no count endpoint: an estimate, and the header says so.
        let (status, body, headers) = try await post(gateway, "/v1/messages/count_tokens", [
            "model": "local", "messages": [["role": "user", "content": "What is the weather in Paris today?"]],
        ])
        #expect(status == 200)
        let estimate = try JSONValue(parsing: body)["input_tokens"]?.intValue ?? 0
        #expect((9...20).contains(estimate), "35 bytes of text and one message: \(body)")
        #expect(headers["x-llm-gateway-token-count"] == ["estimate"])
        #expect(upstream.requests.count == 2, "nothing asked upstream for an estimate")
    }

    @Test func generateIsServedAsAOneTurnChatStreamedOrWhole() async throws {
        let upstream = try await helloUpstream()
        defer { Task { try await upstream.shutdown() } }
        let gateway = try await RunningGateway.start(GatewayConfiguration(models: [alias("m", upstream.baseURL + "/v1")]))
        defer { Task { await gateway.stop() } }

        let (status, body, _) = try await post(gateway, "/api/generate", ["model": "m", "prompt": "Say hello.", "system": "Be terse.", "stream": false])
        #expect(status == 200)
        let reply = try JSONValue(parsing: body)
        #expect(reply["response"] == "Hello there.")
        #expect(reply["done"] == true)
        #expect(reply["done_reason"] == "stop")
        #expect(reply["eval_count"] == 3)
        #expect(reply["message"] == nil)
        #expect(upstream.requests.first?.body.contains("Be terse.") == true)

        let (_, streamed, headers) = try await post(gateway, "/api/generate", ["model": "m", "prompt": "Say hello."])
        #expect(headers["content-type"].first?.hasPrefix("application/x-ndjson") == true)
        let lines = try streamed.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(lines.compactMap { $0["response"]?.stringValue }.joined() == "Hello there.")
        #expect(lines.last?["done"] == true)
        #expect(lines.dropLast().allSatisfy { $0["done"] == false })

        // An empty prompt only loads the model, as Ollama answers it; nothing goes upstream.
        let before = upstream.requests.count
        let (_, loaded, _) = try await post(gateway, "/api/generate", ["model": "m", "prompt": ""])
        #expect(try JSONValue(parsing: loaded)["done_reason"] == "load")
        #expect(upstream.requests.count == before)
    }

    static let refused: [(JSONValue, String)] = [
        (["model": "m", "prompt": "x", "raw": true], "raw is not supported"),
        (["model": "m", "prompt": "x", "suffix": "y"], "suffix is not supported"),
        (["model": "m", "prompt": "x", "context": [1, 2]], "context is not supported"),
        (["model": "m", "prompt": 7], "prompt must be a string"),
    ]

    @Test(arguments: refused)
    func whatAChatCannotSayIsRefusedInOllamasFormat(_ body: JSONValue, _ message: String) async throws {
        let gateway = try await RunningGateway.start(GatewayConfiguration(models: [alias("m", "http://127.0.0.1:9/v1")]))
        defer { Task { await gateway.stop() } }

        let (status, answer, _) = try await post(gateway, "/api/generate", body)

        #expect(status == 400)
        #expect(try JSONValue(parsing: answer)["error"]?.stringValue?.hasPrefix(message) == true, "\(answer)")
    }

    /// A client's members the library does not map go upstream, but never replace what the gateway decided: a Gemini
    /// client's top-level `model` or `max_tokens` cannot pick another upstream model or lift the token limit.
    @Test func aClientsExtraMembersCannotOverrideTheModelOrTheLimit() async throws {
        let upstream = try await helloUpstream()
        defer { shut(upstream) }
        let gateway = try await RunningGateway.start(GatewayConfiguration(models: [alias("m", upstream.baseURL + "/v1", model: "the-target")]))
        defer { Task { await gateway.stop() } }

        let (status, _, _) = try await exchange(.POST, gateway.baseURL + "/v1beta/models/m:generateContent", [
            "contents": [["role": "user", "parts": [["text": "hi"]]]], "generationConfig": ["maxOutputTokens": 10],
            "model": "claude-opus-4-1", "max_tokens": 32000, "user": "u-1",
        ])

        #expect(status == 200)
        let sent = try JSONValue(parsing: try #require(upstream.requests.first?.body))
        #expect(sent["model"] == "the-target")
        #expect(sent["max_tokens"] == 10)
        #expect(sent["user"] == "u-1", "members nobody maps still go through")
    }
}
