import Foundation
import LLM
import LLMGateway
import LLMTesting
import NIOHTTP1

/// The five upstream wire formats the gateway can forward to, each answering from the recorded provider answers the
/// library's conformance suite uses (`Tests/LLMTests/Fixtures/conformance/<backend>/`).
enum MatrixBackend: String, CaseIterable, Sendable {
    case openAI = "openai"
    case openAIResponses = "openai-responses"
    case anthropic
    case gemini
    case ollama

    /// The provider prefix of a target's `model` (as ProviderRegistry reads it).
    var provider: String { rawValue }

    /// The base URL path after `/<backend>/<scenario>`: the path each provider appends its own endpoints to.
    var basePath: String {
        switch self {
        case .ollama: ""
        case .gemini: "/v1beta"
        default: "/v1"
        }
    }

    /// The HTTP status each error scenario's recorded body comes with.
    func status(forError kind: String) -> Int {
        switch kind {
        case "authentication": 401
        case "rate_limited": 429
        default: 400
        }
    }

    /// The recorded stream that breaks after some text, and the text before the break.
    var midStreamFailure: (file: String, text: String) {
        switch self {
        case .openAI: ("openai/stream-error-event.sse", "Partial")
        case .openAIResponses: ("openai-responses/stream-error-event.sse", "Partial")
        case .anthropic: ("anthropic/stream-overloaded-midway.sse", "Partial answer")
        case .gemini: ("gemini/stream-error-event.sse", "Partial")
        case .ollama: ("ollama/stream-error-line.ndjson", "Partial")
        }
    }

    /// The request member that asks this backend for reasoning.
    var reasoningMember: String {
        switch self {
        case .openAI: "reasoning_effort"
        case .openAIResponses: "\"reasoning\""
        case .anthropic: "\"thinking\""
        case .gemini: "thinkingConfig"
        case .ollama: "\"think\""
        }
    }

    /// What this provider reports, so the matrix knows what a client can be told.
    var capabilities: ProviderCapabilities {
        let registry = ProviderRegistry(environment: ["KEY": "k"])
        let provider = try? registry.resolve("\(provider)/m", defaultProvider: "openai", baseURL: "http://127.0.0.1:9", apiKey: "k").0
        return provider?.capabilities ?? []
    }
}

/// One HTTP server playing all five backends: a request to `/<backend>/<scenario>/...` gets that backend's recorded
/// answer for the scenario. It records every request, so a test can read what the gateway sent upstream.
struct ScriptedBackends {
    let server: StubHTTPServer
    static let upstreamKey = "sk-upstream-SECRET-0123456789"
    static let keyVariable = "MATRIX_UPSTREAM_KEY"

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LLMTests/Fixtures")
    }

    static func start() async throws -> ScriptedBackends {
        let server = try await StubHTTPServer.start { request in
            let parts = request.path.split(separator: "/", maxSplits: 2).map(String.init)
            guard parts.count >= 2, let backend = MatrixBackend(rawValue: parts[0]) else {
                return .json(404, #"{"error":"no such backend"}"#)
            }
            do {
                return try answer(backend, scenario: parts[1])
            } catch {
                return .json(500, #"{"error":"fixture missing: \#(error)"}"#)
            }
        }
        return ScriptedBackends(server: server)
    }

    private static func answer(_ backend: MatrixBackend, scenario: String) throws -> StubResponse {
        func read(_ path: String) throws -> String {
            try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
        }
        let streamType = backend == .ollama ? "application/x-ndjson" : "text/event-stream"
        if scenario.hasPrefix("error-") {
            let kind = String(scenario.dropFirst("error-".count))
            var headers: HTTPHeaders = [:]
            if kind == "rate_limited" { headers.add(name: "retry-after", value: "7") }
            return .json(backend.status(forError: kind), try read("conformance/\(backend.rawValue)/\(scenario).json"), headers: headers)
        }
        if scenario == "mid-stream-error" {
            return StubResponse(status: 200, headers: ["content-type": streamType], actions: [.send(try read(backend.midStreamFailure.file)), .end])
        }
        // The image scenario is answered as plain text: what it checks is the request.
        let recording = scenario == MatrixScenario.image.rawValue ? MatrixScenario.plainText.rawValue : scenario
        let scenarioFile = try MatrixScenario(rawValue: scenario).map { $0.streamed ? "\(recording).stream" : "\(recording).json" }
            ?? { throw ScenarioUnknown(name: scenario) }()
        let body = try read("conformance/\(backend.rawValue)/\(scenarioFile)")
        guard scenarioFile.hasSuffix(".stream") else { return .json(200, body) }
        return StubResponse(status: 200, headers: ["content-type": streamType], actions: [.send(body), .end])
    }

    struct ScenarioUnknown: Error { var name: String }

    /// The gateway's aliases: `<backend>--<scenario>` for every backend and scenario, each one target with no retries.
    func configuration() -> GatewayConfiguration {
        var aliases: [GatewayConfiguration.ModelAlias] = []
        for backend in MatrixBackend.allCases {
            for scenario in MatrixScenario.allCases {
                let target = GatewayConfiguration.Target(
                    model: "\(backend.provider)/upstream-model",
                    baseURL: "\(server.baseURL)/\(backend.rawValue)/\(scenario.rawValue)\(backend.basePath)",
                    apiKeyEnv: Self.keyVariable)
                aliases.append(.init(name: Self.alias(backend, scenario), targets: [target], maxRetries: 0))
            }
        }
        return GatewayConfiguration(models: aliases)
    }

    static func alias(_ backend: MatrixBackend, _ scenario: MatrixScenario) -> String {
        "\(backend.rawValue)--\(scenario.rawValue)"
    }

    /// The requests the gateway sent for `alias`'s backend and scenario.
    func upstreamRequests(_ backend: MatrixBackend, _ scenario: MatrixScenario) -> [StubRequest] {
        server.requests.filter { $0.path.hasPrefix("/\(backend.rawValue)/\(scenario.rawValue)/") }
    }
}
