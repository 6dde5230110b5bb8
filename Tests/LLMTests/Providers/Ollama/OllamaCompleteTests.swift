import LLM
import LLMTesting
import NIOHTTP1
import Testing

@Suite struct OllamaCompleteTests {
    func provider(_ transport: ReplayTransport, key: String? = "ollama-SECRET-KEY-123", retry: RetryPolicy = .none) -> (OllamaProvider, RecordingRetryClock) {
        let clock = RecordingRetryClock()
        let provider = OllamaProvider(
            configuration: OllamaConfiguration(host: "http://stub:11434/", apiKey: key, headers: ["x-extra": "yes"], retryPolicy: retry),
            transport: transport, retryClock: clock)
        return (provider, clock)
    }

    @Test func textReplyKeepsUsageModelAndRaw() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/chat-text.json"))])
        let response = try await provider(transport).0.complete(ChatRequest(model: "llama3.2", messages: [.user("2+2?")]))
        #expect(response.content == "The answer is 4.")
        #expect(response.usage == Usage(inputTokens: 26, outputTokens: 7))
        #expect(response.stopReason == .endTurn)
        #expect(response.model == "llama3.2")
        #expect(response.id == nil)
        #expect(response.raw?["total_duration"] == 5191566416)
        #expect(response.raw?["created_at"] == "2025-07-08T10:02:41.551273Z")
        let request = try #require(transport.requests.first)
        #expect(request.method == .POST)
        #expect(request.url == "http://stub:11434/api/chat")
        #expect(request.headers.first(name: "authorization") == "Bearer ollama-SECRET-KEY-123")
        #expect(request.headers.first(name: "accept") == "application/json")
        #expect(request.headers.first(name: "x-extra") == "yes")
    }

    @Test func noKeyMeansNoAuthorizationHeader() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/chat-text.json"))])
        _ = try await provider(transport, key: nil).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(transport.requests.first?.headers.contains(name: "authorization") == false)
    }

    @Test func legacyToolCallsWithoutIdsAndNestedObjectArguments() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/chat-tool-calls-legacy.json"))])
        let response = try await provider(transport).0.complete(ChatRequest(model: "llama3.1:8b", messages: [.user("x")]))
        #expect(response.toolCalls == [
            ToolCall(id: "call_0", name: "get_weather", arguments: ["city": "Oslo", "units": "celsius"]),
            ToolCall(id: "call_1", name: "search_flights", arguments: ["from": "OSL", "to": ["CDG", "AMS"], "passengers": 2, "flexible": true]),
        ])
        #expect(response.stopReason == .toolCalls)
        #expect(response.usage == Usage(inputTokens: 122, outputTokens: 33))
    }

    @Test(arguments: [
        (404, "conformance/ollama/error-model_not_found.json", "model_not_found", "model \"model-x\" not found, try pulling it first"),
        (400, "conformance/ollama/error-invalid_request.json", "invalid_request", "\"model-x\" does not support chat"),
        (400, "conformance/ollama/error-context_length_exceeded.json", "context_length_exceeded", "the input length exceeds the context length"),
        // Older servers report the same over-long prompt as a 500.
        (500, "conformance/ollama/error-context_length_exceeded.json", "context_length_exceeded", "the input length exceeds the context length"),
        (500, "conformance/ollama/error-server_error.json", "server_error", "model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details"),
        (503, "conformance/ollama/error-overloaded.json", "overloaded", "server busy, please try again.  maximum pending requests exceeded"),
        (401, "ollama/error-proxy-unauthorized.json", "authentication", "invalid api key"),
    ])
    func errorBodies(status: Int, fixture: String, kind: String, message: String) async throws {
        let transport = ReplayTransport([.init(status: status, body: try Fixtures.text(fixture))])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "model-x", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == kind)
            #expect(error.httpStatus == status)
            #expect(error.details?.message == message)
            #expect(error.details?.body == (try Fixtures.text(fixture)))
        }
    }

    @Test func rateLimitHonoursRetryAfterThenSucceeds() async throws {
        let transport = ReplayTransport([
            .init(status: 429, headers: ["retry-after": "3"], body: try Fixtures.text("conformance/ollama/error-rate_limited.json")),
            .init(body: try Fixtures.text("ollama/chat-text.json")),
        ])
        let (provider, clock) = provider(transport, retry: RetryPolicy(maxAttempts: 2))
        let response = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(response.content == "The answer is 4.")
        #expect(clock.delays == [.seconds(3)])
    }

    @Test func errorBodyWithStatus200IsTyped() async throws {
        let transport = ReplayTransport([.init(body: #"{"error":"an error was encountered while running the model: CUDA error: out of memory"}"#)])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "server_error")
            #expect(error.details?.message == "an error was encountered while running the model: CUDA error: out of memory")
        }
    }

    @Test func theKeyNeverAppearsInAnError() async throws {
        let transport = ReplayTransport([.init(status: 401, body: #"{"error":"invalid key ollama-SECRET-KEY-123"}"#)])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "authentication")
            let everything = "\(error) \(String(reflecting: error)) \(error.details?.body ?? "") \(error.details?.message ?? "")"
            #expect(!everything.contains("ollama-SECRET-KEY-123"))
        }
    }

    @Test func nonJSONErrorBodyIsKept() async throws {
        let transport = ReplayTransport([.init(status: 502, body: "<html>Bad gateway</html>")])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "server_error")
            #expect(error.details?.body == "<html>Bad gateway</html>")
        }
    }

    @Test func listModelsReadsApiTags() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/tags.json"))])
        let models = try await provider(transport).0.listModels()
        #expect(models == [ModelInfo(id: "qwen3:8b"), ModelInfo(id: "llama3.2:latest")])
        let request = try #require(transport.requests.first)
        #expect(request.method == .GET)
        #expect(request.url == "http://stub:11434/api/tags")
        #expect(request.body == nil)
    }
}
