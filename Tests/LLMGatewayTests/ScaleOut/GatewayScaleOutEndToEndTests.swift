import Foundation
import LLM
import LLMTesting
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three `llm-gateway` processes on one PostgreSQL (the one scripts/test.sh starts), 50 concurrent clients on one key:
/// a budget, a limit and a revocation hold across all three, and an instance killed mid-stream loses nothing.
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(if: PostgresTestDatabase.url != nil, "scripts/test.sh starts PostgreSQL"))
struct GatewayScaleOutEndToEndTests {
    static let master = "scale-out-master-key-0123456789"
    static let clients = 50

    /// The three instances, their scripted upstream (it streams "hi", pausing `pause` after the first words) and a
    /// schema of their own.
    struct Cluster {
        var processes: [Process]
        var ports: [Int]
        var files: [URL]
        var upstream: StubHTTPServer

        func stop() async {
            for process in processes where process.isRunning { process.terminate() }
            for file in files { try? FileManager.default.removeItem(at: file) }
            try? await upstream.shutdown()
        }

        func admin(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, instance: Int = 0) async throws -> (Int, JSONValue) {
            let (status, text, _) = try await exchange(
                method, "http://127.0.0.1:\(ports[instance])" + path, body, bearer: GatewayScaleOutEndToEndTests.master)
            return (status, (try? JSONValue(parsing: text)) ?? .string(text))
        }

        func client(_ key: String, instance: Int) -> OpenAIProvider {
            OpenAIProvider(configuration: OpenAIConfiguration(
                name: "client", baseURL: "http://127.0.0.1:\(ports[instance])/v1", apiKey: key, retryPolicy: .none))
        }

        /// `clients` requests at once, spread over the instances; how many got a reply.
        func race(_ key: String, clients: Int) async -> (replied: Int, errors: [String]) {
            await withTaskGroup(of: String?.self) { group in
                for index in 0..<clients {
                    group.addTask {
                        do {
                            _ = try await client(key, instance: index % ports.count).complete(ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8))
                            return nil
                        } catch {
                            return (error as? LLMError)?.details?.code ?? (error as? LLMError)?.kind ?? "\(error)"
                        }
                    }
                }
                var replied = 0
                var errors: [String] = []
                for await outcome in group {
                    if let outcome { errors.append(outcome) } else { replied += 1 }
                }
                return (replied, errors)
            }
        }
    }

    func cluster(pause: Duration = .zero) async throws -> Cluster {
        let url = try #require(PostgresTestDatabase.url)
        let schema = PostgresTestDatabase.newSchema()
        let upstream = try await StubHTTPServer.start { request in
            guard request.body.contains(#""stream":true"#) else {
                return .json(200, #"{"id":"c","model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#)
            }
            return StubResponse(headers: ["content-type": "text/event-stream"], actions: [
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"}}]}"# + "\n\n"),
                .pause(pause),
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"# + "\n\n"),
                .send("data: [DONE]\n\n"), .end,
            ])
        }
        var cluster = Cluster(processes: [], ports: [], files: [], upstream: upstream)
        for _ in 0..<3 {
            let (process, port, file) = try await startGatewayProcess(
                yaml: { port in
                    """
                    listen: 127.0.0.1:\(port)
                    allow_anonymous: false
                    master_key_env: LLM_GATEWAY_MASTER_KEY
                    store: {postgres: "\(url)?schema=\(schema)"}
                    reservation_hold_s: 2
                    models:
                      - name: m
                        targets: [{model: llamacpp/up, base_url: "\(upstream.baseURL)/v1", price: {input_per_mtok: 1, output_per_mtok: 2}}]
                    """
                }, environment: ["LLM_GATEWAY_MASTER_KEY": Self.master])
            cluster.processes.append(process)
            cluster.ports.append(port)
            cluster.files.append(file)
        }
        return cluster
    }

    @Test func aBudgetAndALimitHoldAcrossThreeInstances() async throws {
        let cluster = try await cluster()
        defer { Task { await cluster.stop() } }

        // Each request reserves $0.000021 (5 input tokens estimated and 8 output) and costs $0.000011 (5 in, 3 out):
        // $0.0002 lets some through and refuses the rest, however the 50 race.
        let (_, budgeted) = try await cluster.admin(.POST, "/admin/keys", ["name": "budget", "budget_usd": 0.0002])
        let key = try #require(budgeted["key"]?.stringValue)
        let id = try #require(budgeted["id"]?.stringValue)
        let outcome = await cluster.race(key, clients: Self.clients)

        let shown = try await cluster.admin(.GET, "/admin/keys/\(id)", instance: 2).1
        let spent = try #require(shown["spent_usd"]?.doubleValue)
        let rows = try #require(try await cluster.admin(.GET, "/admin/usage?key_id=\(id)&limit=1000", instance: 1).1["data"]?.arrayValue)
        #expect(outcome.replied > 0 && outcome.replied < Self.clients, "\(outcome)")
        #expect(outcome.errors.allSatisfy { $0 == "insufficient_quota" }, "\(outcome.errors)")
        #expect(spent <= 0.0002, "spent \(spent) of a $0.0002 budget")
        #expect(rows.count == outcome.replied, "every reply has its ledger row")
        let ledgerSum = rows.compactMap { $0["cost_usd"]?.doubleValue }.reduce(0, +)
        #expect(abs(ledgerSum - spent) < 1e-12, "the spend is the ledger's sum: \(ledgerSum) and \(spent)")
        #expect(cluster.upstream.requests.count == outcome.replied, "refused requests went nowhere")

        // Ten requests a minute for the three together, not ten each.
        let (_, limited) = try await cluster.admin(.POST, "/admin/keys", ["name": "rpm", "rpm": 10])
        let limitedOutcome = await cluster.race(try #require(limited["key"]?.stringValue), clients: Self.clients)
        #expect(limitedOutcome.replied == 10, "\(limitedOutcome)")
        #expect(limitedOutcome.errors.allSatisfy { $0 == "rate_limit_exceeded" }, "\(limitedOutcome.errors)")
        print("scale-out: budget $0.0002: \(outcome.replied) of \(Self.clients) served, $\(spent) spent = the ledger's \(rows.count) rows; rpm 10: \(limitedOutcome.replied) of \(Self.clients) served")
    }

    @Test func aKeyRevokedThroughOneInstanceIsRefusedByTheOthers() async throws {
        let cluster = try await cluster()
        defer { Task { await cluster.stop() } }
        let (_, created) = try await cluster.admin(.POST, "/admin/keys", ["name": "soon revoked"])
        let key = try #require(created["key"]?.stringValue)
        for instance in 0..<3 { _ = try await cluster.client(key, instance: instance).complete(ChatRequest(model: "m", messages: [.user("x")])) }

        #expect(try await cluster.admin(.DELETE, "/admin/keys/\(try #require(created["id"]?.stringValue))", instance: 0).0 == 200)
        let revokedAt = ContinuousClock.now

        // The other instances read a key from the store at most a second after their last read of it.
        var refusedBy: Set<Int> = []
        while refusedBy.count < 2, ContinuousClock.now - revokedAt < .seconds(3) {
            for instance in 1..<3 where !refusedBy.contains(instance) {
                do {
                    _ = try await cluster.client(key, instance: instance).complete(ChatRequest(model: "m", messages: [.user("x")]))
                } catch let error as LLMError where error.kind == "authentication" {
                    refusedBy.insert(instance)
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(refusedBy == [1, 2])
        #expect(ContinuousClock.now - revokedAt < .seconds(2), "refused by both within two seconds")
    }

    /// SIGKILL of an instance with a stream in flight: its reservation expires (after `reservation_hold_s`), the
    /// other instances keep serving, and every reply a client got in full has its ledger row.
    @Test func anInstanceKilledMidStreamLosesNothing() async throws {
        let cluster = try await cluster(pause: .seconds(30))
        defer { Task { await cluster.stop() } }
        // Each request reserves $0.000021 (5 input tokens estimated, 8 output) and costs $0.000011: $0.00006 holds a
        // reply ($11), the killed stream's reservation ($21) and one more ($21), and not a third beside them.
        let (_, created) = try await cluster.admin(.POST, "/admin/keys", ["name": "killed", "budget_usd": 0.00006])
        let key = try #require(created["key"]?.stringValue)
        let id = try #require(created["id"]?.stringValue)
        // A reply the doomed instance gives in full just before it is killed keeps its row.
        _ = try await cluster.client(key, instance: 2).complete(ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8))

        let stream = Task {
            var words = ""
            for try await event in cluster.client(key, instance: 2).stream(ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8)) {
                if case .textDelta(let text, _) = event {
                    words += text
                    kill(cluster.processes[2].processIdentifier, SIGKILL)
                }
            }
            return words
        }
        await #expect(throws: (any Error).self, "the stream broke with its instance") { try await stream.value }
        _ = try await cluster.client(key, instance: 0).complete(ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8))
        guard case .failure(let error) = await Result(catching: {
            try await cluster.client(key, instance: 1).complete(ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8))
        }), (error as? LLMError)?.details?.code == "insufficient_quota" else {
            Issue.record("while the dead instance's reservation holds, the budget has room for one more request only")
            return
        }

        // Once it expires (2 s), its budget is back.
        var served = false
        for _ in 0..<60 where !served {
            try await Task.sleep(for: .milliseconds(100))
            served = (try? await cluster.client(key, instance: 1).complete(ChatRequest(model: "m", messages: [.user("x")], maxTokens: 8))) != nil
        }
        #expect(served, "the dead instance's reservation expired")
        let rows = try #require(try await cluster.admin(.GET, "/admin/usage?key_id=\(id)").1["data"]?.arrayValue)
        #expect(rows.count == 3, "the three replies received in full have their rows (one from the killed instance); the killed stream, which no client got whole, has none: \(rows)")
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
