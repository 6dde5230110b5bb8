import Foundation
import LLM
import LLMGateway
import LLMTesting
import NIOCore
import NIOHTTP1
import Testing

/// Client keys against a SQLite store: the admin API, authentication in every client format, the aliases a key may
/// use, its limits and budget, and the ledger row each request leaves.
@Suite struct GatewayKeysTests {
    static let master = "admin-master-key-0123456789"
    static let reply = #"{"id":"c","model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#

    struct Setup {
        let gateway: RunningGateway
        let upstream: StubHTTPServer
        let store: SQLiteGatewayStore

        func stop() async {
            await gateway.stop()
            try? await upstream.shutdown()
            try? await store.close()
        }

        func admin(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, key: String? = GatewayKeysTests.master) async throws -> (Int, JSONValue) {
            let (status, text, _) = try await exchange(method, gateway.baseURL + path, body, bearer: key)
            return (status, (try? JSONValue(parsing: text)) ?? .string(text))
        }

        /// A new key's secret and id.
        func createKey(_ settings: JSONValue) async throws -> (secret: String, id: String) {
            let (status, body) = try await admin(.POST, "/admin/keys", settings)
            #expect(status == 201, "\(body)")
            return (try #require(body["key"]?.stringValue), try #require(body["id"]?.stringValue))
        }

        func openAI(_ key: String?) -> OpenAIProvider {
            OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: gateway.baseURL + "/v1", apiKey: key, retryPolicy: .none))
        }
    }

    /// A gateway with keys required, alias `m` (priced at $1 per million input and $2 per million output tokens) and
    /// alias `other`, in front of a scripted OpenAI upstream.
    func setup() async throws -> Setup {
        let upstream = try await StubHTTPServer.start { request in
            guard request.body.contains(#""stream":true"#) else { return .json(200, Self.reply) }
            return .sse([
                #"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#,
                #"data: {"id":"c","model":"up","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#,
                "data: [DONE]",
            ])
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteGatewayStore.open(path: path)
        let price = GatewayConfiguration.Price(inputPerMTok: 1, outputPerMTok: 2)
        let configuration = GatewayConfiguration(
            allowAnonymous: false,
            models: [
                .init(name: "m", targets: [.init(model: "llamacpp/up", baseURL: upstream.baseURL + "/v1", price: price)]),
                .init(name: "other", targets: [.init(model: "llamacpp/up", baseURL: upstream.baseURL + "/v1", price: price)]),
            ],
            store: .sqlite(path: path), masterKeyEnv: "ADMIN")
        let gateway = try await RunningGateway.start(configuration, environment: ["ADMIN": Self.master], store: store)
        return Setup(gateway: gateway, upstream: upstream, store: store)
    }

    @Test func theAdminAPIManagesKeysAndRefusesBadInputWithoutChangingAnything() async throws {
        let setup = try await setup()
        defer { Task { await setup.stop() } }

        let created = try await setup.admin(.POST, "/admin/keys", [
            "name": "o'brien\"; DROP TABLE keys; --", "models": ["m"], "rpm": 60, "budget_usd": 5, "budget_period": "monthly",
        ])
        #expect(created.0 == 201, "\(created.1)")
        let secret = try #require(created.1["key"]?.stringValue)
        let id = try #require(created.1["id"]?.stringValue)
        #expect(secret.hasPrefix("llmgw-") && secret.count >= 40)
        #expect(created.1["budget_usd"] == 5)

        let shown = try await setup.admin(.GET, "/admin/keys/\(id)")
        #expect(shown.1["name"] == "o'brien\"; DROP TABLE keys; --")
        #expect(shown.1["key"] == nil, "the secret is shown once")
        #expect(shown.1["spent_usd"] == 0)

        let refused: [(JSONValue, String)] = [
            (["budget_usd": -1], "budget_usd"), (["rpm": "many"], "rpm"), (["models": "m"], "models"),
            (["budget_period": "weekly"], "budget_period"), (["colour": "red"], "colour"), (["expires_at": "soon"], "expires_at"),
        ]
        for (body, message) in refused {
            let (status, error) = try await setup.admin(.PATCH, "/admin/keys/\(id)", body)
            #expect(status == 400, "\(body): \(error)")
            #expect(error["error"]?["message"]?.stringValue?.hasPrefix(message) == true, "\(error)")
        }
        #expect(try await setup.admin(.GET, "/admin/keys/\(id)").1 == shown.1, "nothing changed")
        #expect(try await setup.admin(.POST, "/admin/keys", ["name": ""]).0 == 400)
        #expect(try await setup.admin(.GET, "/admin/keys/key_nosuch").0 == 404)
        #expect(try await setup.admin(.GET, "/admin/keys", key: nil).0 == 401)
        #expect(try await setup.admin(.GET, "/admin/keys", key: "admin-master-key-wrong").0 == 401)
        #expect(try await setup.admin(.GET, "/admin/keys", key: secret).0 == 401, "a client key is not the master key")

        let patched = try await setup.admin(.PATCH, "/admin/keys/\(id)", ["rpm": .null, "models": .null])
        #expect(patched.0 == 200 && patched.1["rpm"] == .null && patched.1["models"] == .null, "\(patched.1)")
        #expect(try await setup.admin(.GET, "/admin/keys").1["data"]?.arrayValue?.count == 1)
    }

    @Test func everyClientFormatNeedsAValidKeyInItsOwnHeader() async throws {
        let setup = try await setup()
        defer { Task { await setup.stop() } }
        let (secret, id) = try await setup.createKey(["name": "app"])
        let question = ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8)
        let base = setup.gateway.baseURL
        func clients(_ key: String?) -> [any LLMProvider] {
            [
                setup.openAI(key),
                AnthropicProvider(configuration: AnthropicConfiguration(name: "anthropic", baseURL: base + "/v1", apiKey: key, retryPolicy: .none)),
                GeminiProvider(configuration: GeminiConfiguration(name: "gemini", baseURL: base + "/v1beta", apiKey: key, retryPolicy: .none)),
                OllamaProvider(configuration: OllamaConfiguration(name: "ollama", host: base, apiKey: key, retryPolicy: .none)),
            ]
        }

        for client in clients(secret) {
            #expect(try await client.complete(question).content == "hi", "\(client.name)")
        }
        // The scheme's case and the blanks around the key do not matter.
        let headers: HTTPHeaders = ["content-type": "application/json", "authorization": "bEaRer  \(secret)\t "]
        let body = ByteBuffer(string: #"{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 8}"#)
        let response = try await NIOHTTPTransport.shared.send(
            TransportRequest(method: .POST, url: base + "/v1/chat/completions", headers: headers, body: body, proxy: .direct))
        #expect(response.status == 200)
        _ = try await response.body.collect(upTo: 1 << 20)
        for key in [nil, "llmgw-not-a-key", "sk-anything"] as [String?] {
            for client in clients(key) {
                await #expect("\(client.name) with \(key ?? "no key")") {
                    try await client.complete(question)
                } throws: { error in
                    (error as? LLMError)?.kind == "authentication" && (error as? LLMError)?.httpStatus == 401
                }
            }
        }
        #expect(setup.upstream.requests.count == 5, "refused requests go nowhere")

        // Revoked: refused at once.
        #expect(try await setup.admin(.DELETE, "/admin/keys/\(id)").0 == 200)
        await #expect(throws: LLMError.self) { try await setup.openAI(secret).complete(question) }
    }

    @Test func aKeyIsHeldToItsAliasesLimitsAndBudget() async throws {
        let setup = try await setup()
        defer { Task { await setup.stop() } }
        let question = ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8)

        let (onlyOther, _) = try await setup.createKey(["name": "other only", "models": ["other"]])
        await #expect { try await setup.openAI(onlyOther).complete(question) } throws: { error in
            (error as? LLMError)?.kind == "permission_denied" && (error as? LLMError)?.httpStatus == 403
        }

        let (twoAMinute, _) = try await setup.createKey(["name": "slow", "rpm": 2])
        _ = try await setup.openAI(twoAMinute).complete(question)
        _ = try await setup.openAI(twoAMinute).complete(question)
        await #expect { try await setup.openAI(twoAMinute).complete(question) } throws: { error in
            guard let error = error as? LLMError, error.kind == "rate_limited", let delay = error.retryAfter else { return false }
            return delay > .zero && delay <= .seconds(60)
        }

        // $1 in, $2 out per million tokens: a request reserves its estimated input and 8 output tokens; a budget of
        // 30 millionths of a dollar covers one such request and not a second beside its spend.
        let (budgeted, budgetedID) = try await setup.createKey(["name": "thrifty", "budget_usd": 0.00003])
        _ = try await setup.openAI(budgeted).complete(question)
        await #expect { try await setup.openAI(budgeted).complete(question) } throws: { error in
            guard let error = error as? LLMError else { return false }
            return error.kind == "rate_limited" && error.details?.code == "insufficient_quota" && error.retryAfter == nil
        }
        let key = try await setup.admin(.GET, "/admin/keys/\(budgetedID)").1
        #expect(key["spent_usd"] == 0.000011, "5 input and 3 output tokens: 5 + 6 millionths. \(key)")
        #expect(key["requests"] == 1)
    }

    @Test func eachAdmittedRequestLeavesOneLedgerRowBeforeItsReplyEnds() async throws {
        let setup = try await setup()
        defer { Task { await setup.stop() } }
        let (secret, id) = try await setup.createKey(["name": "app"])

        _ = try await setup.openAI(secret).complete(ChatRequest(model: "m", messages: [.user("x")]))
        let streamed = try await setup.openAI(secret).stream(ChatRequest(model: "other", messages: [.user("x")])).collectResponse()
        #expect(streamed.content == "hi")
        // The rows are committed before the last byte: readable as soon as the replies are in.
        let (status, usage) = try await setup.admin(.GET, "/admin/usage?key_id=\(id)")
        #expect(status == 200)
        let rows = try #require(usage["data"]?.arrayValue)
        #expect(rows.count == 2, "\(usage)")
        let stream = try #require(rows.first { $0["stream"] == true })
        #expect(stream["alias"] == "other")
        #expect(stream["output_tokens"] == 3)
        #expect(stream["cost_usd"] == 0.000011)
        #expect(stream["ttft_ms"] != .null)
        let whole = try #require(rows.first { $0["stream"] == false })
        #expect(whole["format"] == "openai-chat" && whole["status"] == 200 && whole["model"] == "up" && whole["input_tokens"] == 5)
        #expect(try await setup.admin(.GET, "/admin/usage?alias=m").1["data"]?.arrayValue?.count == 1)
        #expect(try await setup.admin(.GET, "/admin/usage?limit=0").0 == 400)
    }

    @Test func anExpiredKeyIsRefusedAndReadyReportsTheStore() async throws {
        let setup = try await setup()
        defer { Task { await setup.stop() } }
        let (secret, id) = try await setup.createKey(["name": "short-lived", "expires_at": "2030-01-01T00:00:00Z"])
        _ = try await setup.openAI(secret).complete(ChatRequest(model: "m", messages: [.user("x")]))

        #expect(try await setup.admin(.PATCH, "/admin/keys/\(id)", ["expires_at": 1_000_000]).0 == 200)
        await #expect { try await setup.openAI(secret).complete(ChatRequest(model: "m", messages: [.user("x")])) } throws: { error in
            (error as? LLMError)?.details?.message.contains("expired") == true
        }

        #expect(try await setup.admin(.GET, "/ready", key: nil).0 == 200)
        try await setup.store.close()
        #expect(try await setup.admin(.GET, "/ready", key: nil).0 == 503, "a store that cannot be reached is not ready")
    }

    /// A client that leaves mid-stream still leaves a row, with the usage so far and the error that ended it.
    @Test func aStreamTheClientLeavesIsRecordedWithItsUsage() async throws {
        let upstream = try await StubHTTPServer.start { _ in
            StubResponse(headers: ["content-type": "text/event-stream"], actions: [
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}}"# + "\n\n"),
                .pause(.seconds(30)), .end,
            ])
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("left-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteGatewayStore.open(path: path)
        let gateway = try await RunningGateway.start(
            GatewayConfiguration(
                allowAnonymous: false, models: [.init(name: "m", targets: [.init(model: "llamacpp/up", baseURL: upstream.baseURL + "/v1")])],
                store: .sqlite(path: path)),
            store: store)
        let setup = Setup(gateway: gateway, upstream: upstream, store: store)
        defer { Task { await setup.stop() } }
        let secret = try #require(try await KeyAdministration(store: store).create(["name": "leaver"])["key"]?.stringValue)

        let reader = Task {
            for try await event in setup.openAI(secret).stream(ChatRequest(model: "m", messages: [.user("x")])) {
                if case .textDelta = event { return }  // leave after the first words
            }
        }
        try await reader.value

        var rows: [LedgerRow] = []
        for _ in 0..<50 where rows.isEmpty {  // the gateway notices when the connection ends, and commits the row
            try await Task.sleep(for: .milliseconds(100))
            rows = try await store.ledger(LedgerQuery())
        }
        let row = try #require(rows.first)
        #expect(row.errorKind == "cancelled", "\(row)")
        #expect(row.status == 499)
        #expect(row.streamed)
        // The upstream reported no usage before the client left: the input estimated at admission (5 tokens for "x")
        // and the two bytes streamed, as one token.
        #expect(row.outputTokens == 1 && row.inputTokens == 5, "the usage so far: \(row)")
    }
}
