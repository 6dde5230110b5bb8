import Foundation
import LLM
import LLMGateway
import LLMTesting
import Testing

/// The official SDKs see the gateway's key refusals as their own typed errors: 401 `AuthenticationError`, 403
/// `PermissionDeniedError`, 429 `RateLimitError` (with `insufficient_quota` for a spent budget where the format says so).
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_SDK_PYTHON"] != nil, "scripts/test.sh installs the official SDKs"))
struct GatewayKeysSDKEndToEndTests {
    @Test(arguments: ["openai", "anthropic", "gemini", "ollama"])
    func eachSDKGetsItsOwnTypedErrors(_ sdk: String) async throws {
        let upstream = try await StubHTTPServer.start { _ in
            .json(200, #"{"id":"c","model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#)
        }
        defer { shut(upstream) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sdk-keys-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteGatewayStore.open(path: path)
        let price = GatewayConfiguration.Price(inputPerMTok: 1, outputPerMTok: 2)
        let gateway = try await RunningGateway.start(
            GatewayConfiguration(
                allowAnonymous: false,
                models: ["m", "other"].map { .init(name: $0, targets: [.init(model: "llamacpp/up", baseURL: upstream.baseURL + "/v1", price: price)]) },
                store: .sqlite(path: path)),
            store: store)
        defer { Task { await gateway.stop() } }
        let administration = KeyAdministration(store: store)
        func key(_ settings: [String: JSONValue]) async throws -> String {
            try #require(try await administration.create(settings.merging(["name": "sdk"]) { given, _ in given })["key"]?.stringValue)
        }
        let good = try await key([:])
        let otherOnly = try await key(["models": ["other"]])
        let once = try await key(["rpm": 1])
        let broke = try await key(["budget_usd": 0])

        let cases: [JSONValue] = [
            ["name": "ok", "key": .string(good), "model": "m"],
            ["name": "no-key", "key": "unused", "model": "m"],
            ["name": "revoked-or-unknown", "key": "llmgw-unknown", "model": "m"],
            ["name": "wrong-alias", "key": .string(otherOnly), "model": "m"],
            ["name": "first", "key": .string(once), "model": "m"],
            ["name": "second", "key": .string(once), "model": "m"],
            ["name": "budget", "key": .string(broke), "model": "m"],
        ]
        let results = try await runSDKScript("keys_client.py", arguments: [sdk, gateway.baseURL], input: Data(JSONValue.array(cases).jsonString.utf8))

        let typed: (Int) -> String = { status in
            switch (sdk, status) {
            case ("gemini", 500...): "ServerError"
            case ("gemini", _): "ClientError"
            case ("ollama", _): "ResponseError"
            case (_, 401): "AuthenticationError"
            case (_, 403): "PermissionDeniedError"
            default: "RateLimitError"
            }
        }
        #expect(results["ok"]?["ok"] == true, "\(results)")
        #expect(results["first"]?["ok"] == true, "\(results)")
        for (name, status) in [("no-key", 401), ("revoked-or-unknown", 401), ("wrong-alias", 403), ("second", 429), ("budget", 429)] {
            #expect(results[name]?["status"] == .int(status), "\(sdk) \(name): \(String(describing: results[name]))")
            #expect(results[name]?["type"] == .string(typed(status)), "\(sdk) \(name): \(String(describing: results[name]))")
        }
        if sdk == "openai" { #expect(results["budget"]?["code"] == "insufficient_quota", "\(results)") }
        if sdk == "anthropic" { #expect(results["second"]?["code"] == "rate_limit_error", "\(results)") }
        if sdk == "gemini" { #expect(results["second"]?["code"] == "RESOURCE_EXHAUSTED", "\(results)") }
        try await store.close()
    }
}
