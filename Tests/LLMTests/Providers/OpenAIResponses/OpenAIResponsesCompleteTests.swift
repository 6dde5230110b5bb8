import LLM
import LLMTesting
import NIOHTTP1
import Testing

/// Non-streamed Responses (replayed through the stream mapper), HTTP details and errors.
@Suite struct OpenAIResponsesCompleteTests {
    func provider(_ transport: ReplayTransport, retry: RetryPolicy = .none) -> OpenAIResponsesProvider {
        OpenAIResponsesProvider(
            configuration: OpenAIConfiguration(
                baseURL: "http://stub/v1/", apiKey: "sk-test-SECRET-KEY-123", organization: "org-1", project: "proj-1",
                headers: ["x-extra": "yes"], retryPolicy: retry),
            transport: transport, retryClock: RecordingRetryClock())
    }

    func fixture(_ name: String) throws -> String { try Fixtures.text("openai-responses/\(name)") }

    @Test func reasoningAndFunctionCallWithHeaders() async throws {
        let transport = ReplayTransport([.init(body: try fixture("response-reasoning-tool.json"))])
        let response = try await provider(transport).complete(ChatRequest(model: "o4-mini", messages: [.user("Weather in Oslo?")]))
        #expect(response.toolCalls == [ToolCall(id: "call_Os1oWx9dE2fR4tG6hJ8kL0zQ", name: "get_weather", arguments: ["city": "Oslo"])])
        #expect(response.stopReason == .toolCalls)
        #expect(response.content == "")
        #expect(response.usage == Usage(inputTokens: 70, outputTokens: 90, reasoningTokens: 64))
        #expect(response.model == "o4-mini-2025-04-16")
        #expect(response.id == "resp_68f1d1a690a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3")
        #expect(response.raw?["service_tier"] == "default")
        let item = try #require(response.raw?["output"]?.arrayValue?.first)
        #expect(response.reasoning == [ReasoningBlock(text: "The user wants Oslo's weather.", signature: item.jsonString)])
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://stub/v1/responses")
        #expect(request.headers.first(name: "authorization") == "Bearer sk-test-SECRET-KEY-123")
        #expect(request.headers.first(name: "openai-organization") == "org-1")
        #expect(request.headers.first(name: "openai-project") == "proj-1")
        #expect(request.headers.first(name: "x-extra") == "yes")
        #expect(request.headers.first(name: "accept") == "application/json")
    }

    @Test func functionCallRoundTripSendsReasoningCallAndOutputInOrder() async throws {
        let transport = ReplayTransport([
            .init(body: try fixture("response-reasoning-tool.json")),
            .init(body: try Fixtures.text("conformance/openai-responses/tool-result-reply.json")),
        ])
        let provider = provider(transport)
        let weather = Tool(name: "get_weather", description: "Weather", parameters: .object(["city": .string()]))
        var request = ChatRequest(model: "o4-mini", messages: [.user("Weather in Oslo?")], tools: [weather], reasoning: ReasoningOptions(effort: .low))
        let first = try await provider.complete(request)
        let call = try #require(first.toolCalls.first)
        request.messages += [first.message, .tool(ToolResult(toolCallID: call.id, name: call.name, content: "21 degrees and sunny"))]
        let second = try await provider.complete(request)
        #expect(second.content == "It is 21 degrees and sunny in Paris.")
        let input = try #require(transport.requestBodies.last?["input"]?.arrayValue)
        let reasoningItem = try #require(first.raw?["output"]?.arrayValue?.first)
        #expect(input == [
            ["type": "message", "role": "user", "content": [["type": "input_text", "text": "Weather in Oslo?"]]],
            // Sent back exactly as received, encrypted content included.
            reasoningItem,
            ["type": "function_call", "call_id": "call_Os1oWx9dE2fR4tG6hJ8kL0zQ", "name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"],
            ["type": "function_call_output", "call_id": "call_Os1oWx9dE2fR4tG6hJ8kL0zQ", "output": "21 degrees and sunny"],
        ])
        #expect(reasoningItem["encrypted_content"]?.stringValue?.isEmpty == false)
    }

    @Test func contentFilterStopsIncomplete() async throws {
        let transport = ReplayTransport([.init(body: try fixture("response-content-filter.json"))])
        let response = try await provider(transport).complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(response.stopReason == .contentFilter)
        #expect(response.content == "I can")
    }

    @Test func failedResponseBodyIsATypedError() async throws {
        let transport = ReplayTransport([.init(body: try fixture("response-failed.json"))])
        do {
            _ = try await provider(transport).complete(ChatRequest(model: "m", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as LLMError {
            guard case .contentFiltered(let details) = error else { Issue.record("got \(error)"); return }
            #expect(details.code == "invalid_prompt")
            #expect(details.message.hasPrefix("Invalid prompt"))
        }
    }

    @Test func emptyOutputIsRetriedThenTyped() async throws {
        let empty = #"{"id":"resp_1","object":"response","status":"completed","model":"m","output":[],"usage":{"input_tokens":5,"output_tokens":0}}"#
        let transport = ReplayTransport([.init(body: empty), .init(body: empty)])
        await #expect(throws: LLMError.emptyResponse(model: "m")) {
            try await provider(transport, retry: RetryPolicy(maxAttempts: 2, jitter: false)).complete(ChatRequest(model: "m", messages: []))
        }
        #expect(transport.requests.count == 2)
    }

    @Test func theKeyNeverAppearsInAnError() async throws {
        let body = #"{"error":{"message":"Incorrect API key provided: sk-test-SECRET-KEY-123.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        let transport = ReplayTransport([.init(status: 401, body: body)])
        do {
            _ = try await provider(transport).complete(ChatRequest(model: "m", messages: []))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "authentication")
            let everything = "\(error) \(String(reflecting: error)) \(error.details?.body ?? "") \(error.details?.message ?? "")"
            #expect(!everything.contains("sk-test-SECRET-KEY-123"))
        }
    }

    @Test func llamaCppErrorWithNumericCode() async throws {
        let body = #"{"error":{"code":400,"message":"'input' must be a string or array of objects","type":"invalid_request_error"}}"#
        let transport = ReplayTransport([.init(status: 400, body: body)])
        do {
            _ = try await provider(transport).complete(ChatRequest(model: "m", messages: []))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "invalid_request")
            #expect(error.details?.code == "400")
        }
    }

    @Test func listModels() async throws {
        let transport = ReplayTransport([.init(body: #"{"object":"list","data":[{"id":"gpt-4.1-mini","object":"model","created":1744316542,"owned_by":"system"}]}"#)])
        let models = try await provider(transport).listModels()
        #expect(models == [ModelInfo(id: "gpt-4.1-mini", ownedBy: "system")])
        #expect(transport.requests.first?.url == "http://stub/v1/models")
    }
}
