import Foundation
import LLM
import LLMGateway
import LLMTesting
import Testing

/// Every client wire format x every backend wire format: the OFFICIAL Python SDKs (`openai` for Chat Completions and
/// Responses, `anthropic`, `google-genai`, `ollama`) drive the gateway, which forwards to scripted backends speaking
/// OpenAI, OpenAI Responses, Anthropic, Gemini and Ollama. Each client format runs every scenario against every
/// backend in one SDK process; the bytes of each pair are compared with their golden transcript.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_SDK_PYTHON"] != nil, "scripts/test.sh installs the official SDKs"))
struct GatewayMatrixEndToEndTests {
    @Test(arguments: MatrixClient.allCases)
    func everyBackendServesTheClientFormat(_ client: MatrixClient) async throws {
        let backends = try await ScriptedBackends.start()
        defer { Task { try? await backends.server.shutdown() } }
        let gateway = try await RunningGateway.start(
            backends.configuration(), environment: [ScriptedBackends.keyVariable: ScriptedBackends.upstreamKey])
        defer { Task { await gateway.stop() } }

        var calls: [JSONValue] = []
        for backend in MatrixBackend.allCases {
            for scenario in MatrixScenario.allCases {
                calls.append(["alias": .string(ScriptedBackends.alias(backend, scenario)), "scenario": .string(scenario.rawValue)])
            }
        }
        let results = try await runMatrixClient(client, gateway: gateway, calls: calls)

        for backend in MatrixBackend.allCases {
            var golden = GoldenTranscript()
            for scenario in MatrixScenario.allCases {
                let alias = ScriptedBackends.alias(backend, scenario)
                let outcome = try #require(results[alias], "no result for \(alias)")
                let upstream = backends.upstreamRequests(backend, scenario)
                scenario.check(outcome["result"] ?? .null, client: client, backend: backend, upstream: upstream.map(\.body))
                let transcript = outcome["transcript"]
                let response = transcript?["response"]?.stringValue ?? ""
                #expect(!response.contains(ScriptedBackends.upstreamKey), "the upstream key reached the client: \(alias)")
                for request in upstream {
                    let credentials = ["authorization", "x-api-key", "x-goog-api-key"].compactMap { request.header($0) }
                    #expect(!credentials.contains { $0.contains("not-needed") }, "the client's key went upstream: \(alias)")
                }
                golden.add(scenario: scenario.rawValue, upstream: upstream.map(\.body), status: transcript?["status"]?.intValue, response: response)
            }
            try golden.check(client: client, backend: backend)
        }
    }
}

/// Runs `Clients/matrix_client.py` for `client` over `calls` (`[{alias, scenario}]`) and returns its results by alias.
func runMatrixClient(_ client: MatrixClient, gateway: RunningGateway, calls: [JSONValue]) async throws -> [String: JSONValue] {
    try await runSDKScript("matrix_client.py", arguments: [client.rawValue, gateway.baseURL], input: Data(JSONValue.array(calls).jsonString.utf8))
}
