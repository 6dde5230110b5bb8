import Foundation
import LLM
import LLMTesting
import NIOConcurrencyHelpers
import Testing

/// `llm` as a new user runs it, against the real local model server that scripts/test.sh starts.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_BASE_URL"] != nil, "set LLM_E2E_BASE_URL (scripts/test.sh does)"))
struct CLIEndToEndTests {
    let baseURL = ProcessInfo.processInfo.environment["LLM_E2E_BASE_URL"] ?? ""
    let model = ProcessInfo.processInfo.environment["LLM_E2E_MODEL"] ?? "smol"

    @Test func streamsARealReply() async throws {
        let result = try await CLIRunner.run(["-m", "llamacpp/\(model)", "--base-url", baseURL, "--max-tokens", "24", "Say hello."])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).count > 1)
    }

    @Test func jsonOutputIsOneParsableObject() async throws {
        let result = try await CLIRunner.run([
            "-m", "llamacpp/\(model)", "--base-url", baseURL, "--max-tokens", "16", "--output", "json", "--no-stream", "Hi",
        ])
        #expect(result.status == 0, "\(result)")
        let object = try JSONValue(parsing: result.stdout)
        #expect(object["content"]?.stringValue?.isEmpty == false)
        #expect((object["usage"]?["outputTokens"]?.intValue ?? 0) > 0)
        #expect(object["stopReason"]?.stringValue != nil)
    }

    @Test func listsTheServersModels() async throws {
        let result = try await CLIRunner.run(["models", "-m", "llamacpp", "--base-url", baseURL])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.split(separator: "\n").contains { $0 == model })
    }

    /// `llm agent` with the real MCP reference server; the model's two turns are scripted by a stub so the
    /// test does not depend on what a 135M model decides to do.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_MCP_TIME"] != nil))
    func agentRunsAnMCPToolAndPrintsTheSteps() async throws {
        let mcpTime = ProcessInfo.processInfo.environment["LLM_E2E_MCP_TIME"] ?? ""
        let turns = NIOLockedValueBox(0)
        try await withStubServer(answering: { _ in
            let turn = turns.withLockedValue { value -> Int in
                value += 1
                return value
            }
            return turn == 1
                ? .sse(CLIWire.stream(text: [], toolCall: (name: "get_current_time", arguments: #"{"timezone":"UTC"}"#)))
                : .sse(CLIWire.stream(text: ["It is", " noon."]))
        }) { server in
            let result = try await CLIRunner.run([
                "agent", "-m", "vllm/scripted", "--base-url", server.baseURL + "/v1", "--mcp", mcpTime, "What time is it in UTC?",
            ])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("It is noon."), "\(result)")
            #expect(result.stderr.contains("→ get_current_time {\"timezone\":\"UTC\"}"), "\(result)")
            #expect(result.stderr.contains("← "), "\(result)")
            #expect(result.stderr.contains("UTC"), "\(result)")
            // The tool's real answer went back to the model in the second request.
            #expect(server.requests.count == 2)
            #expect(server.requests.last?.body.contains("get_current_time") == true)
        }
    }
}
