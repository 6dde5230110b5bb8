import LLM
import LLMTesting
import NIOHTTP1
import Testing

@Suite struct GeminiCompleteTests {
    static let key = "AIzaSy-test-SECRET-KEY-123"

    func provider(_ transport: ReplayTransport, retry: RetryPolicy = .none) -> (GeminiProvider, RecordingRetryClock) {
        let clock = RecordingRetryClock()
        let provider = GeminiProvider(
            configuration: GeminiConfiguration(baseURL: "http://stub/v1beta/", apiKey: Self.key, headers: ["x-extra": "yes"], retryPolicy: retry),
            transport: transport, retryClock: clock)
        return (provider, clock)
    }

    func fixture(_ name: String, status: Int = 200, headers: HTTPHeaders = [:]) throws -> ReplayTransport.Reply {
        .init(status: status, headers: headers, body: try Fixtures.text("gemini/\(name)"))
    }

    @Test func textReplyKeepsUsageIdModelAndRaw() async throws {
        let transport = ReplayTransport([try fixture("completion-text.json")])
        let response = try await provider(transport).0.complete(ChatRequest(model: "gemini-2.5-flash", messages: [.user("2+2?")]))
        #expect(response.content == "The answer is 4.")
        // 6 candidate tokens + 11 thought tokens; the 10 cached tokens are part of the 20 prompt tokens.
        #expect(response.usage == Usage(inputTokens: 20, outputTokens: 17, cacheReadTokens: 10, reasoningTokens: 11))
        #expect(response.usage.uncachedInputTokens == 10)
        #expect(response.stopReason == .endTurn)
        #expect(response.model == "gemini-2.5-flash")
        #expect(response.id == "ZqCZaKfQAoyo1MkPp4-rkQ4")
        #expect(response.raw?["responseId"] == "ZqCZaKfQAoyo1MkPp4-rkQ4")
        #expect(response.reasoning == [ReasoningBlock(signature: "CqEBAcu98PAmj5tX7GqUo0sWk3Vb1nHdZrLe6c2yFi4Tp9aO8KxMwJgRvYhE=")])
        let request = try #require(transport.requests.first)
        #expect(request.method == .POST)
        #expect(request.url == "http://stub/v1beta/models/gemini-2.5-flash:generateContent")
        #expect(request.headers.first(name: "x-extra") == "yes")
    }

    @Test func theKeyTravelsInTheHeaderAndInNoURL() async throws {
        let transport = ReplayTransport([
            try fixture("completion-text.json"),
            .init(body: try Fixtures.text("conformance/gemini/streamed-text.stream")),
            try fixture("models-page1.json"), try fixture("models-page2.json"),
        ])
        let provider = provider(transport).0
        _ = try await provider.complete(ChatRequest(model: "gemini-2.5-flash", messages: [.user("x")]))
        for try await _ in provider.stream(ChatRequest(model: "gemini-2.5-flash", messages: [.user("x")])) {}
        _ = try await provider.listModels()
        #expect(transport.requests.count == 4)
        for request in transport.requests {
            #expect(request.headers.first(name: "x-goog-api-key") == Self.key)
            #expect(!request.url.contains(Self.key))
            #expect(!request.url.contains("key="))
        }
    }

    @Test func noKeyMeansNoKeyHeader() async throws {
        let transport = ReplayTransport([try fixture("completion-text.json")])
        let provider = GeminiProvider(configuration: GeminiConfiguration(baseURL: "http://stub/v1beta", retryPolicy: .none), transport: transport)
        _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(transport.requests.first?.headers.contains(name: "x-goog-api-key") == false)
    }

    @Test func noCandidatesIsAnEmptyReplyRetriedOnceThenTyped() async throws {
        let transport = ReplayTransport([try fixture("completion-no-candidates.json"), try fixture("completion-no-candidates.json")])
        let (provider, clock) = provider(transport, retry: RetryPolicy(maxAttempts: 2, jitter: false))
        await #expect(throws: LLMError.emptyResponse(model: "gemini-2.5-flash")) {
            try await provider.complete(ChatRequest(model: "gemini-2.5-flash", messages: [.user("x")]))
        }
        #expect(transport.requests.count == 2)
        #expect(clock.delays == [.milliseconds(500)])
    }

    @Test func emptyReplyThenAnAnswerSucceeds() async throws {
        let transport = ReplayTransport([try fixture("completion-no-candidates.json"), try fixture("completion-text.json")])
        let response = try await provider(transport, retry: RetryPolicy(maxAttempts: 2, jitter: false)).0
            .complete(ChatRequest(model: "gemini-2.5-flash", messages: [.user("x")]))
        #expect(response.content == "The answer is 4.")
    }

    @Test func blockedPromptIsContentFilteredAndNotRetried() async throws {
        let transport = ReplayTransport([try fixture("completion-prompt-blocked.json"), try fixture("completion-text.json")])
        do {
            _ = try await provider(transport, retry: RetryPolicy(maxAttempts: 3)).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            guard case .contentFiltered(let details) = error else { Issue.record("got \(error)"); return }
            #expect(details.code == "PROHIBITED_CONTENT")
        }
        #expect(transport.requests.count == 1)
    }

    @Test func safetyStopWithNoAnswerIsContentFiltered() async throws {
        let transport = ReplayTransport([try fixture("completion-safety-empty.json")])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "content_filtered")
            #expect(error.details?.code == "SAFETY")
        }
    }

    @Test func thoughtSignatureOfAFunctionCallGoesBackOnTheSamePart() async throws {
        let transport = ReplayTransport([try fixture("completion-tool-call-signed.json"), .init(body: try Fixtures.text("conformance/gemini/tool-result-reply.json"))])
        let provider = provider(transport).0
        let weather = Tool(name: "get_weather", description: "Current weather", parameters: .object(["city": .string(), "unit": .string()]))
        var request = ChatRequest(model: "gemini-3-flash-preview", messages: [.user("Weather in Paris?")], tools: [weather])
        let first = try await provider.complete(request)
        let signature = "CpcCAcu98PBxh5Jm4WkZs0Qy8vTt2LdNr6aUeGi3oXcF9bKp1EwH7jRz0VnMqY4="
        #expect(first.toolCalls == [ToolCall(id: "call_0", name: "get_weather", arguments: ["city": "Paris", "unit": "celsius"], signature: signature)])
        #expect(first.stopReason == .toolCalls)
        #expect(first.content == "Let me check.")

        request.messages += [first.message, .tool(ToolResult(toolCallID: "call_0", name: "get_weather", content: "21 degrees and sunny"))]
        let second = try await provider.complete(request)
        #expect(second.content == "It is 21 degrees and sunny in Paris.")
        let contents = try #require(transport.requestBodies.last?["contents"]?.arrayValue)
        #expect(contents.count == 3)
        // The unsigned thought summary is not sent back; the signature stays on the function call.
        #expect(contents[1] == ["role": "model", "parts": [
            ["text": "Let me check."],
            ["functionCall": ["name": "get_weather", "args": ["city": "Paris", "unit": "celsius"]], "thoughtSignature": .string(signature)],
        ]])
        #expect(contents[2] == ["role": "user", "parts": [
            ["functionResponse": ["name": "get_weather", "response": ["result": "21 degrees and sunny"]]],
        ]])
    }

    @Test func rateLimitHonoursTheRetryDelayInTheBody() async throws {
        let transport = ReplayTransport([try fixture("error-rate-limit.json", status: 429), try fixture("completion-text.json")])
        let (provider, clock) = provider(transport, retry: RetryPolicy(maxAttempts: 2))
        let response = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(response.content == "The answer is 4.")
        #expect(clock.delays == [.milliseconds(1500)])
    }

    @Test func retryAfterHeaderWinsOverTheBody() async throws {
        let transport = ReplayTransport([try fixture("error-rate-limit.json", status: 429, headers: ["retry-after": "3"])])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "rate_limited")
            #expect(error.retryAfter == .seconds(3))
        }
    }

    @Test(arguments: [
        (401, "UNAUTHENTICATED", "authentication"), (403, "PERMISSION_DENIED", "permission_denied"),
        (404, "NOT_FOUND", "model_not_found"), (400, "FAILED_PRECONDITION", "invalid_request"),
        (500, "INTERNAL", "server_error"), (503, "UNAVAILABLE", "overloaded"), (504, "DEADLINE_EXCEEDED", "timeout"),
        (502, "", "server_error"),
    ])
    func statusClasses(status: Int, grpcStatus: String, kind: String) async throws {
        let body = grpcStatus.isEmpty ? "<html>Bad gateway</html>" : "{\"error\":{\"code\":\(status),\"message\":\"nope\",\"status\":\"\(grpcStatus)\"}}"
        let transport = ReplayTransport([.init(status: status, body: body)])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == kind)
            if kind != "timeout" { #expect(error.httpStatus == status) }
        }
    }

    @Test func invalidKeyErrorNeverShowsTheKey() async throws {
        let body = "{\"error\":{\"code\":400,\"message\":\"API key not valid: \(Self.key). Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}"
        let transport = ReplayTransport([.init(status: 400, body: body)])
        do {
            _ = try await provider(transport).0.complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "authentication")
            let everything = "\(error) \(String(reflecting: error)) \(error.details?.body ?? "")"
            #expect(!everything.contains(Self.key))
        }
    }

    @Test func listModelsFollowsPagesAndDropsThePrefix() async throws {
        let transport = ReplayTransport([try fixture("models-page1.json"), try fixture("models-page2.json")])
        let models = try await provider(transport).0.listModels()
        #expect(models.map(\.id) == ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-embedding-001"])
        #expect(transport.requests.map(\.method) == [.GET, .GET])
        #expect(transport.requests.map(\.url) == [
            "http://stub/v1beta/models?pageSize=1000",
            "http://stub/v1beta/models?pageSize=1000&pageToken=Ch1tb2RlbHMvZ2VtaW5pLTIuNS1wcm8%3D",
        ])
    }

    @Test func capabilitiesLackOnlyCacheWrites() {
        let provider = provider(ReplayTransport([])).0
        #expect(provider.capabilities == ProviderCapabilities.all.subtracting(.cacheWriteTokens))
        #expect(provider.name == "gemini")
    }

    @Test func environmentPrefersGeminiKeyAndReadsTheBaseURL() {
        let both = GeminiConfiguration.fromEnvironment(["GEMINI_API_KEY": "g-key", "GOOGLE_API_KEY": "google-key"])
        #expect(both.apiKey == "g-key")
        #expect(both.baseURL == "https://generativelanguage.googleapis.com/v1beta")
        let google = GeminiConfiguration.fromEnvironment(["GEMINI_API_KEY": "", "GOOGLE_API_KEY": "google-key", "GOOGLE_GEMINI_BASE_URL": "http://proxy:8080/"])
        #expect(google.apiKey == "google-key")
        #expect(google.baseURL == "http://proxy:8080/v1beta")
        let versioned = GeminiConfiguration.fromEnvironment(["GOOGLE_GEMINI_BASE_URL": "http://proxy:8080/v1"])
        #expect(versioned.baseURL == "http://proxy:8080/v1")
        #expect(versioned.apiKey == nil)
    }
}
