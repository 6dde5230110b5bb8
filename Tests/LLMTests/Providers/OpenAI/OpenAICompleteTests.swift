import LLM
import LLMTesting
import NIOHTTP1
import Testing

@Suite struct OpenAICompleteTests {
    func provider(_ transport: ReplayTransport, key: String? = "sk-test-SECRET-KEY-123", retry: RetryPolicy = .none) -> (OpenAIProvider, RecordingRetryClock) {
        let clock = RecordingRetryClock()
        let provider = OpenAIProvider(
            configuration: OpenAIConfiguration(
                baseURL: "http://stub/v1/", apiKey: key, organization: "org-1", project: "proj-1",
                headers: ["x-extra": "yes"], retryPolicy: retry),
            transport: transport, retryClock: clock)
        return (provider, clock)
    }

    @Test func textReplyKeepsUsageAndRaw() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("openai/completion-text.json"))])
        let response = try await provider(transport).0.complete(ChatRequest(model: "gpt-4o-mini", messages: [.user("2+2?")]))
        #expect(response.content == "The answer is 4.")
        #expect(response.usage == Usage(inputTokens: 20, outputTokens: 6, cacheReadTokens: 10))
        #expect(response.usage.uncachedInputTokens == 10)
        #expect(response.stopReason == .endTurn)
        #expect(response.model == "gpt-4o-mini-2024-07-18")
        #expect(response.raw?["system_fingerprint"] == "fp_x")
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://stub/v1/chat/completions")
        #expect(request.headers.first(name: "authorization") == "Bearer sk-test-SECRET-KEY-123")
        #expect(request.headers.first(name: "openai-organization") == "org-1")
        #expect(request.headers.first(name: "openai-project") == "proj-1")
        #expect(request.headers.first(name: "x-extra") == "yes")
    }

    @Test func toolCallsWithNewlinesInArgumentsAndNoUsageOrIds() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("openai/completion-tool-calls.json"))])
        let response = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(response.toolCalls == [
            ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Oslo"]),
            ToolCall(id: "call_2", name: "get_time", arguments: [:]),
        ])
        #expect(response.usage == Usage())
    }

    @Test func noKeyMeansNoAuthorizationHeader() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("openai/completion-text.json"))])
        _ = try await provider(transport, key: nil).0.complete(ChatRequest(model: "m", messages: []))
        #expect(transport.requests.first?.headers.contains(name: "authorization") == false)
    }

    @Test func emptyReplyIsRetriedThenTyped() async throws {
        let empty = try Fixtures.text("openai/completion-empty.json")
        let transport = ReplayTransport([.init(body: empty), .init(body: empty)])
        let (provider, clock) = provider(transport, retry: RetryPolicy(maxAttempts: 2, jitter: false))
        await #expect(throws: LLMError.emptyResponse(model: "m")) {
            try await provider.complete(ChatRequest(model: "m", messages: []))
        }
        #expect(transport.requests.count == 2)
        #expect(clock.delays == [.milliseconds(500)])
    }

    @Test func contextLengthError() async throws {
        let transport = ReplayTransport([.init(status: 400, body: try Fixtures.text("openai/error-context-length.json"))])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: []))
            Issue.record("expected an error")
        } catch let error as LLMError {
            guard case .contextLengthExceeded(let details) = error else { Issue.record("got \(error)"); return }
            #expect(details.status == 400)
            #expect(details.code == "context_length_exceeded")
            #expect(details.body?.contains("maximum context length") == true)
        }
    }

    @Test func contentPolicyError() async throws {
        let transport = ReplayTransport([.init(status: 400, body: try Fixtures.text("openai/error-content-filter.json"))])
        await #expect(throws: LLMError.self) { try await provider(transport).0.complete(ChatRequest(model: "m", messages: [])) }
        let transport2 = ReplayTransport([.init(status: 400, body: try Fixtures.text("openai/error-content-filter.json"))])
        do {
            _ = try await provider(transport2).0.complete(ChatRequest(model: "m", messages: []))
        } catch let error as LLMError {
            #expect(error.kind == "content_filtered")
        }
    }

    @Test func rateLimitHonoursRetryAfterMs() async throws {
        let transport = ReplayTransport([
            .init(status: 429, headers: ["retry-after-ms": "300"], body: try Fixtures.text("openai/error-rate-limit.json")),
            .init(body: try Fixtures.text("openai/completion-text.json")),
        ])
        let (provider, clock) = provider(transport, retry: RetryPolicy(maxAttempts: 2))
        let response = try await provider.complete(ChatRequest(model: "m", messages: []))
        #expect(response.content == "The answer is 4.")
        #expect(clock.delays == [.milliseconds(300)])
    }

    @Test func theKeyNeverAppearsInAnError() async throws {
        let transport = ReplayTransport([.init(status: 401, body: try Fixtures.text("openai/error-invalid-key.json"))])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: []))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "authentication")
            let everything = "\(error) \(String(reflecting: error)) \(error.details?.body ?? "") \(error.details?.message ?? "")"
            #expect(!everything.contains("sk-test-SECRET-KEY-123"))
        }
    }

    @Test(arguments: [(500, "server_error"), (502, "server_error"), (503, "overloaded"), (529, "overloaded"), (404, "model_not_found"), (403, "permission_denied"), (422, "invalid_request")])
    func statusClasses(status: Int, kind: String) async throws {
        let transport = ReplayTransport([.init(status: status, body: "{\"error\":{\"message\":\"nope\"}}")])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: []))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == kind)
            #expect(error.httpStatus == status)
        }
    }

    @Test func nonJSONErrorBodyIsKept() async throws {
        let transport = ReplayTransport([.init(status: 502, body: "<html>Bad gateway</html>")])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: []))
        } catch let error as LLMError {
            #expect(error.details?.body == "<html>Bad gateway</html>")
        }
    }

    @Test func listModels() async throws {
        let transport = ReplayTransport([.init(body: #"{"object":"list","data":[{"id":"gpt-4o","object":"model","owned_by":"system"},{"id":"smol"}],"models":[{"name":"smol"}]}"#)])
        let models = try await provider(transport).0.listModels()
        #expect(models == [ModelInfo(id: "gpt-4o", ownedBy: "system"), ModelInfo(id: "smol")])
        #expect(transport.requests.first?.method == .GET)
        #expect(transport.requests.first?.url == "http://stub/v1/models")
    }
}
