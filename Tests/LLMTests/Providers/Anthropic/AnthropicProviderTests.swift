import LLM
import LLMTesting
import Testing

@Suite struct AnthropicProviderTests {
    func provider(_ transport: ReplayTransport, options: AnthropicOptions = AnthropicOptions(), retry: RetryPolicy = .none) -> AnthropicProvider {
        AnthropicProvider(
            configuration: AnthropicConfiguration(baseURL: "http://replay/v1", apiKey: "sk-ant-test-KEY", betas: ["b1", "b2"], retryPolicy: retry, options: options),
            transport: transport, retryClock: RecordingRetryClock())
    }

    func sent(_ request: ChatRequest, options: AnthropicOptions = AnthropicOptions()) async throws -> (JSONValue, TransportRequest) {
        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/anthropic/plain-text.json"))])
        _ = try await provider(transport, options: options).complete(request)
        return (try #require(transport.requestBodies.first), try #require(transport.requests.first))
    }

    @Test func headersAndRequiredFields() async throws {
        let (body, request) = try await sent(ChatRequest(model: "claude-x", messages: [.user("Hi")]))
        #expect(request.url == "http://replay/v1/messages")
        #expect(request.headers.first(name: "x-api-key") == "sk-ant-test-KEY")
        #expect(request.headers.first(name: "anthropic-version") == "2023-06-01")
        #expect(request.headers.first(name: "anthropic-beta") == "b1,b2")
        #expect(!request.headers.contains(name: "authorization"))
        #expect(body["max_tokens"] == 4096)
        #expect(body["system"] == nil)
    }

    @Test func systemMessagesMergedTurnsAndToolResults() async throws {
        let call = ToolCall(id: "toolu_1", name: "get_weather", arguments: ["city": "Paris"])
        let request = ChatRequest(model: "c", messages: [
            .system("Rule one."), .user("Hi"), .user([.text("Look:"), .image(.base64(data: "AAAA", mediaType: "image/png"))]),
            .assistant("Let me check.", toolCalls: [call]),
            .tool(ToolResult(toolCallID: "toolu_1", content: "sunny")),
            .tool(ToolResult(toolCallID: "toolu_2", content: "failed", isError: true)),
            .user("Thanks"),
        ], system: "Be kind.", toolChoice: .required, stopSequences: ["###"])
        let (body, _) = try await sent(request)
        #expect(body["system"] == "Be kind.\n\nRule one.")
        #expect(body["tool_choice"] == ["type": "any"])
        #expect(body["stop_sequences"] == ["###"])
        #expect(body["messages"] == [
            ["role": "user", "content": [
                ["type": "text", "text": "Hi"], ["type": "text", "text": "Look:"],
                ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "AAAA"]],
            ]],
            ["role": "assistant", "content": [
                ["type": "text", "text": "Let me check."],
                ["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": ["city": "Paris"]],
            ]],
            ["role": "user", "content": [
                ["type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"],
                ["type": "tool_result", "tool_use_id": "toolu_2", "content": "failed", "is_error": true],
                ["type": "text", "text": "Thanks"],
            ]],
        ])
    }

    @Test func thinkingBudgetAndPromptCaching() async throws {
        let tool = Tool(name: "t", description: "d")
        let request = ChatRequest(model: "c", messages: [.user("Hi")], system: "Long system prompt", tools: [tool], reasoning: ReasoningOptions(budgetTokens: 3000))
        let (body, _) = try await sent(request, options: AnthropicOptions(cacheSystemPrompt: true, cacheTools: true))
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 3000])
        #expect(body["system"] == [["type": "text", "text": "Long system prompt", "cache_control": ["type": "ephemeral"]]])
        #expect(body["tools"]?.arrayValue?.last?["cache_control"] == ["type": "ephemeral"])
    }

    @Test func nativeStructuredOutputUsesOutputConfig() async throws {
        let schema = JSONSchema.object(["a": .integer()])
        let (body, _) = try await sent(ChatRequest(model: "c", messages: [.user("x")], responseFormat: .jsonSchema(name: "n", schema: schema)))
        #expect(body["output_config"] == ["format": ["type": "json_schema", "schema": schema.value]])
        #expect(body["tools"] == nil)
    }

    @Test(arguments: transcriptChunkSizes)
    func structuredOutputThroughAForcedToolReadsAsText(chunkSize: Int) async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("anthropic/structured-output-tool.sse"), chunkSize: chunkSize)])
        let schema = JSONSchema.object(["name": .string(), "age": .integer()])
        let request = ChatRequest(model: "c", messages: [.user("x")], responseFormat: .jsonSchema(name: "person", schema: schema))
        let response = try await provider(transport, options: AnthropicOptions(nativeStructuredOutput: false)).stream(request).collectResponse()
        #expect(try JSONValue(parsing: response.content) == ["name": "Ada", "age": 36])
        #expect(response.toolCalls.isEmpty)
        #expect(response.stopReason == .endTurn)
        let body = try #require(transport.requestBodies.first)
        #expect(body["tool_choice"] == ["type": "any"])
        #expect(body["tools"]?.arrayValue?.first?["input_schema"] == schema.value)
    }

    @Test(arguments: transcriptChunkSizes)
    func redactedAndSignedThinkingAreKeptAndSentBack(chunkSize: Int) async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("anthropic/stream-redacted-thinking.sse"), chunkSize: chunkSize),
            .init(body: try Fixtures.text("conformance/anthropic/plain-text.json")),
        ])
        let provider = provider(transport)
        let first = ChatRequest(model: "c", messages: [.user("1 metre in feet?")], reasoning: ReasoningOptions(budgetTokens: 1024))
        let response = try await provider.stream(first).collectResponse()
        #expect(response.reasoning == [
            ReasoningBlock(redactedData: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
            ReasoningBlock(text: "Check the units.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"),
        ])
        var next = first
        next.messages += [response.message, .user("And 2 metres?")]
        _ = try await provider.complete(next)
        let assistant = try #require(transport.requestBodies.last?["messages"]?.arrayValue?[1])
        #expect(assistant["content"] == [
            ["type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"],
            ["type": "thinking", "thinking": "Check the units.", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"],
            ["type": "text", "text": "About 3.3 feet."],
        ])
    }

    @Test func overloadedErrorMidStreamIsTypedAfterTheText() async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("anthropic/stream-overloaded-midway.sse")),
            .init(body: try Fixtures.text("conformance/anthropic/streamed-text.stream")),
        ])
        var text = ""
        var thrown: LLMError?
        do {
            for try await event in provider(transport, retry: RetryPolicy(maxAttempts: 3)).stream(ChatRequest(model: "c", messages: [.user("x")])) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        } catch let error as LLMError {
            thrown = error
        }
        #expect(text == "Partial answer")
        #expect(thrown?.kind == "overloaded")
        #expect(thrown?.isRetryable == true)
        #expect(transport.requests.count == 1)
    }

    @Test func promptTooLongIsContextLength() async throws {
        let transport = ReplayTransport([.init(status: 400, body: try Fixtures.text("conformance/anthropic/error-context_length_exceeded.json"))])
        await #expect(throws: LLMError.self) { try await provider(transport).complete(ChatRequest(model: "c", messages: [.user("x")])) }
        let again = ReplayTransport([.init(status: 400, body: try Fixtures.text("conformance/anthropic/error-context_length_exceeded.json"))])
        do {
            _ = try await provider(again).complete(ChatRequest(model: "c", messages: [.user("x")]))
        } catch let error as LLMError {
            #expect(error.kind == "context_length_exceeded")
        }
    }

    @Test func requestTooLarge413() async throws {
        let transport = ReplayTransport([.init(status: 413, body: #"{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}"#)])
        do {
            _ = try await provider(transport).complete(ChatRequest(model: "c", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "context_length_exceeded")
            #expect(error.httpStatus == 413)
        }
    }

    @Test func overloaded529IsRetriedWithRetryAfter() async throws {
        let clock = RecordingRetryClock()
        let transport = ReplayTransport([
            .init(status: 529, headers: ["retry-after": "3"], body: try Fixtures.text("conformance/anthropic/error-overloaded.json")),
            .init(body: try Fixtures.text("conformance/anthropic/plain-text.json")),
        ])
        let provider = AnthropicProvider(
            configuration: AnthropicConfiguration(baseURL: "http://replay/v1", apiKey: "k", retryPolicy: RetryPolicy(maxAttempts: 2)),
            transport: transport, retryClock: clock)
        let response = try await provider.complete(ChatRequest(model: "c", messages: [.user("x")]))
        #expect(response.content == "Hello there.")
        #expect(clock.delays == [.seconds(3)])
    }

    @Test func countTokens() async throws {
        let transport = ReplayTransport([.init(body: #"{"input_tokens": 2095}"#)])
        let count = try await provider(transport).countTokens(ChatRequest(model: "c", messages: [.user("x")], system: "s"))
        #expect(count == 2095)
        #expect(transport.requests.first?.url == "http://replay/v1/messages/count_tokens")
        #expect(transport.requestBodies.first?["max_tokens"] == nil)
        #expect(transport.requestBodies.first?["system"] == "s")
    }

    @Test func jsonObjectModeAndSeedAreRefused() async throws {
        let provider = provider(ReplayTransport([]))
        await #expect(throws: LLMError.unsupported(feature: "seed", provider: "anthropic")) {
            try await provider.complete(ChatRequest(model: "c", messages: [.user("x")], seed: 1))
        }
    }

    @Test func environment() {
        let configuration = AnthropicConfiguration.fromEnvironment(["ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080/"])
        #expect(configuration.apiKey == "k")
        #expect(configuration.baseURL == "http://127.0.0.1:8080/v1")
    }

    @Test func listModels() async throws {
        let transport = ReplayTransport([.init(body: #"{"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-5-20250929","last_id":"claude-sonnet-4-5-20250929"}"#)])
        let models = try await provider(transport).listModels()
        #expect(models.map(\.id) == ["claude-sonnet-4-5-20250929"])
        #expect(transport.requests.first?.url == "http://replay/v1/models")
        #expect(transport.requests.first?.method == .GET)
    }
}
