import Foundation
import LLM
import LLMGateway
import Testing

/// The gateway in front of the REAL llama.cpp server (scripts/test.sh starts it), driven by the OFFICIAL `openai`,
/// `anthropic`, `ollama` and `google-genai` Python SDKs as applications would drive it.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_BASE_URL"] != nil, "scripts/test.sh starts the local model server"))
struct GatewayEndToEndTests {
    static let environment = ProcessInfo.processInfo.environment

    func gateway() async throws -> RunningGateway {
        let model = Self.environment["LLM_E2E_MODEL"] ?? "smol"
        let plain = try #require(Self.environment["LLM_E2E_BASE_URL"], "run scripts/test.sh: it starts the local model server")
        let tools = Self.environment["LLM_E2E_TOOLS_BASE_URL"] ?? plain
        return try await RunningGateway.start(GatewayConfiguration(models: [
            alias("smol", plain, model: model),
            alias("smol-tools", tools, model: model),
            // The first target is down: the second serves.
            alias("smol-fallback", "http://127.0.0.1:9/v1", plain, model: model),
        ]))
    }

    @Test func theOpenAISDKGetsTextStreamsToolCallsModelsAndErrors() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let results = try await runSDK("openai", gateway: gateway, model: "smol", checks: ["text", "stream", "models", "unknown-model", "bad-request"])

        let text = try #require(results["text"])
        #expect(text["text"]?.stringValue?.isEmpty == false, "\(text)")
        #expect(text["model"] == "smol", "clients see the alias")
        #expect(["stop", "length"].contains(text["finish_reason"]?.stringValue ?? ""))
        #expect((text["completion_tokens"]?.intValue ?? 0) > 0)
        let stream = try #require(results["stream"])
        #expect(stream["text"]?.stringValue?.isEmpty == false, "\(stream)")
        #expect((stream["completion_tokens"]?.intValue ?? 0) > 0, "the usage chunk arrived")
        #expect(stream["model"] == "smol")
        #expect(results["models"]?["ids"] == ["smol", "smol-tools", "smol-fallback"])
        #expect(results["unknown-model"]?["error"] == "NotFoundError", "\(String(describing: results["unknown-model"]))")
        #expect(results["unknown-model"]?["status"] == 404)
        #expect(results["bad-request"]?["error"] == "BadRequestError")
        #expect(results["bad-request"]?["message"]?.stringValue?.contains("messages[0].role") == true)
    }

    @Test func theOpenAISDKGetsAForcedToolCall() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let results = try await runSDK("openai", gateway: gateway, model: "smol-tools", checks: ["tool"])

        let tool = try #require(results["tool"])
        #expect(tool["calls"]?.arrayValue?.first?["name"] == "get_weather", "\(tool)")
        #expect(tool["calls"]?.arrayValue?.first?["arguments"]?.objectValue != nil)
    }

    @Test func theOpenAISDKGetsResponsesWholeStreamedAndWithAForcedToolCall() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let results = try await runSDK("openai", gateway: gateway, model: "smol", checks: ["responses", "responses-stream"])
        let tools = try await runSDK("openai", gateway: gateway, model: "smol-tools", checks: ["responses-tool"])

        let whole = try #require(results["responses"])
        #expect(whole["text"]?.stringValue?.isEmpty == false, "\(whole)")
        #expect(whole["model"] == "smol")
        #expect(["completed", "incomplete"].contains(whole["status"]?.stringValue ?? ""))
        #expect((whole["output_tokens"]?.intValue ?? 0) > 0)
        let streamed = try #require(results["responses-stream"])
        #expect(streamed["text"]?.stringValue?.isEmpty == false, "\(streamed)")
        #expect(streamed["final_text"] == streamed["text"], "the completed event holds the streamed text")
        #expect((streamed["output_tokens"]?.intValue ?? 0) > 0)
        #expect(tools["responses-tool"]?["calls"]?.arrayValue?.first?["name"] == "get_weather", "\(tools)")
    }

    @Test func everySDKGetsAForcedToolCallAndTokenCounts() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let anthropic = try await runSDK("anthropic", gateway: gateway, model: "smol-tools", checks: ["tool", "count-tokens"])
        let gemini = try await runSDK("gemini", gateway: gateway, model: "smol-tools", checks: ["tool", "count-tokens"])

        #expect(anthropic["tool"]?["calls"]?.arrayValue?.first?["name"] == "get_weather", "\(anthropic)")
        #expect(anthropic["tool"]?["stop_reason"] == "tool_use")
        #expect(gemini["tool"]?["calls"]?.arrayValue?.first?["name"] == "get_weather", "\(gemini)")
        // llama.cpp has no count endpoint: the gateway's estimate for 35 bytes of text.
        #expect((9...20).contains(anthropic["count-tokens"]?["input_tokens"]?.intValue ?? 0), "\(anthropic)")
        #expect((9...20).contains(gemini["count-tokens"]?["total_tokens"]?.intValue ?? 0), "\(gemini)")
    }

    @Test func theAnthropicSDKGetsTextStreamsAndErrors() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let results = try await runSDK("anthropic", gateway: gateway, model: "smol", checks: ["text", "stream", "unknown-model"])

        let text = try #require(results["text"])
        #expect(text["text"]?.stringValue?.isEmpty == false, "\(text)")
        #expect(text["model"] == "smol")
        #expect(["end_turn", "max_tokens"].contains(text["stop_reason"]?.stringValue ?? ""))
        let stream = try #require(results["stream"])
        #expect(stream["text"]?.stringValue?.isEmpty == false, "\(stream)")
        #expect((stream["output_tokens"]?.intValue ?? 0) > 0)
        #expect(results["unknown-model"]?["error"] == "NotFoundError", "\(String(describing: results["unknown-model"]))")
    }

    @Test func theOllamaSDKGetsChatGenerateModelsAndErrors() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let results = try await runSDK("ollama", gateway: gateway, model: "smol", checks: ["text", "stream", "generate", "generate-stream", "models", "show", "unknown-model"])

        let text = try #require(results["text"])
        #expect(text["text"]?.stringValue?.isEmpty == false, "\(text)")
        #expect(text["model"] == "smol")
        #expect(["stop", "length"].contains(text["done_reason"]?.stringValue ?? ""))
        #expect((text["eval_count"]?.intValue ?? 0) > 0)
        let stream = try #require(results["stream"])
        #expect(stream["text"]?.stringValue?.isEmpty == false, "\(stream)")
        #expect(stream["done"] == true)
        #expect(results["generate"]?["text"]?.stringValue?.isEmpty == false, "\(String(describing: results["generate"]))")
        #expect(results["generate"]?["done"] == true)
        #expect(results["generate-stream"]?["text"]?.stringValue?.isEmpty == false, "\(String(describing: results["generate-stream"]))")
        #expect(results["generate-stream"]?["done"] == true)
        #expect(results["models"]?["names"] == ["smol", "smol-tools", "smol-fallback"])
        #expect(results["show"]?["capabilities"]?.arrayValue?.contains("completion") == true, "\(String(describing: results["show"]))")
        #expect(results["unknown-model"]?["status"] == 404, "\(String(describing: results["unknown-model"]))")
    }

    @Test func theGoogleGenAISDKGetsTextStreamsModelsAndErrors() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let results = try await runSDK("gemini", gateway: gateway, model: "smol", checks: ["text", "stream", "models", "unknown-model"])

        let text = try #require(results["text"])
        #expect(text["text"]?.stringValue?.isEmpty == false, "\(text)")
        #expect(text["model"] == "smol")
        #expect(["STOP", "MAX_TOKENS"].contains(text["finish_reason"]?.stringValue ?? ""))
        #expect((text["output_tokens"]?.intValue ?? 0) > 0)
        let stream = try #require(results["stream"])
        #expect(stream["text"]?.stringValue?.isEmpty == false, "\(stream)")
        #expect((stream["output_tokens"]?.intValue ?? 0) > 0)
        #expect(results["models"]?["names"] == ["models/smol", "models/smol-tools", "models/smol-fallback"])
        #expect(results["unknown-model"]?["status"] == 404, "\(String(describing: results["unknown-model"]))")
    }

    @Test func aTargetThatIsDownFallsBackToTheNext() async throws {
        let gateway = try await gateway()
        defer { Task { await gateway.stop() } }

        let openAI = try await runSDK("openai", gateway: gateway, model: "smol-fallback", checks: ["text", "stream"])
        let anthropic = try await runSDK("anthropic", gateway: gateway, model: "smol-fallback", checks: ["stream"])

        #expect(openAI["text"]?["text"]?.stringValue?.isEmpty == false, "\(openAI)")
        #expect(openAI["stream"]?["text"]?.stringValue?.isEmpty == false)
        #expect(anthropic["stream"]?["text"]?.stringValue?.isEmpty == false, "\(anthropic)")
    }
}
