import Foundation
import LLM

/// The real llama.cpp server that `scripts/test.sh` starts (see scripts/local-model.sh). The tests are
/// enabled only when its address is in the environment; the test script sets it and fails the run if any
/// end-to-end test was skipped.
enum LocalServer {
    static let environment = ProcessInfo.processInfo.environment
    static let baseURL = environment["LLM_E2E_BASE_URL"]
    static let toolsBaseURL = environment["LLM_E2E_TOOLS_BASE_URL"]
    static let authBaseURL = environment["LLM_E2E_AUTH_BASE_URL"]
    static let model = environment["LLM_E2E_MODEL"] ?? "smol"
    static var isConfigured: Bool { baseURL != nil }

    static func provider(_ url: String?, apiKey: String? = nil, retry: RetryPolicy = RetryPolicy(maxAttempts: 2)) -> OpenAIProvider {
        OpenAIProvider(configuration: OpenAIConfiguration(name: "llamacpp", baseURL: url ?? "http://127.0.0.1:8080/v1", apiKey: apiKey, retryPolicy: retry))
    }
}
