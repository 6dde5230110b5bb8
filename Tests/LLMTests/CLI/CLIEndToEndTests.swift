import Foundation
import LLM
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
}
