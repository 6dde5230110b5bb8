import Foundation
@testable import LLMGateway
import PostgresNIO
import PropertyBased
import Testing

/// PostgreSQL decides a round of admissions in one statement, with its own copy of the admission rule (a PL/pgSQL
/// function); SQLite decides with the gateway's. The two must agree on every decision, and a disagreement must fail
/// the round rather than let the database's copy decide.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_POSTGRES_URL"] != nil, "scripts/test.sh starts PostgreSQL"))
struct PostgresAdmitRoundTests {
    /// Random keys and random rounds of admissions and settlements, the same on both stores: the same decisions, with
    /// the same reasons and `Retry-After`. Rounds are given to the stores directly, so that several admissions on one
    /// key are decided in one round, each counting those before it.
    @Test(.shrinking(false)) func postgresAndSQLiteDecideEveryRoundAlike() async throws {
        await propertyCheck(count: 12, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            do {
                try await Self.playTheSameRounds(seed: seed)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static func playTheSameRounds(seed: Int) async throws {
        var random = Xoshiro(seed: (UInt64(seed), 0x9E37_79B9_7F4A_7C15, 1, 2))
        let postgres = try await Self.openPostgres().store
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("admit-\(UUID().uuidString).sqlite").path
        let sqlite = try await SQLiteGatewayStore.open(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fixtures = GatewayStoreTests()
        let keys = (0..<2).map { _ in
            var key = fixtures.key(
                rpm: Bool.random(using: &random) ? Int.random(in: 1...6, using: &random) : nil,
                tpm: Bool.random(using: &random) ? Int.random(in: 20...200, using: &random) : nil,
                budget: Bool.random(using: &random) ? Picodollars(Int64.random(in: 50...400, using: &random)) : nil)
            key.budgetPeriod = BudgetPeriod.allCases.randomElement(using: &random)!
            return key
        }
        for key in keys {
            try await postgres.insertKey(key)
            try await sqlite.insertKey(key)
        }
        // Two minutes before a UTC month ends, so that the rounds (3 minutes on average) cross into the next day and
        // month, where daily and monthly budgets start again.
        var now = Date(timeIntervalSince1970: 1_801_439_880)
        var admitted: [Admission] = []
        for round in 0..<30 {
            now += Double(Int.random(in: 0...12_000, using: &random)) / 1000
            var settlements: [LedgerRow] = []
            if !admitted.isEmpty, Bool.random(using: &random) {
                let settled = admitted.remove(at: Int.random(in: 0..<admitted.count, using: &random))
                let tokens = Int.random(in: 0...settled.tokens, using: &random)
                settlements.append(
                    fixtures.row(
                        settled.requestID, key: settled.key.id, time: settled.now, cost: Picodollars(Int64.random(in: 0...settled.cost.value, using: &random)),
                        tokens: (tokens / 2, tokens - tokens / 2)))
            }
            let admissions = (0..<Int.random(in: 0...4, using: &random)).map { index in
                Admission(
                    requestID: "r\(round)-\(index)", key: keys.randomElement(using: &random)!, tokens: Int.random(in: 0...90, using: &random),
                    cost: Picodollars(Int64.random(in: 0...120, using: &random)), now: now, holdFor: Double(Int.random(in: 5...90, using: &random)))
            }
            let onPostgres = await postgres.round(settlements: settlements, admissions: admissions)
            let onSQLite = await sqlite.round(settlements: settlements, admissions: admissions)
            try onPostgres.settled.get()
            try onSQLite.settled.get()
            let decisions = try onPostgres.decided.get()
            #expect(decisions == (try onSQLite.decided.get()), "seed \(seed), round \(round)")
            admitted += zip(admissions, decisions).filter { $0.1 == .admitted }.map(\.0)
        }
        try await postgres.close()
        try await sqlite.close()
    }

    /// A database whose copy of the rule admits what the gateway's refuses: the round fails, naming the request,
    /// rather than admit a request over the key's limit, and the reservation the database made is given back.
    @Test func aRoundTheDatabaseAdmitsOverTheLimitFailsAndKeepsNoReservation() async throws {
        let (store, schema) = try await Self.openPostgres()
        let key = GatewayStoreTests().key(rpm: 1)
        try await store.insertKey(key)
        try await Self.run(Self.function(deciding: "TRUE OR NOT"), in: schema)

        let first = await store.round(settlements: [], admissions: [Admission(requestID: "first", key: key, tokens: 1, cost: .zero)])
        #expect(try first.decided.get() == [.admitted], "both copies admit the key's first request of the minute")
        let second = await store.round(settlements: [], admissions: [Admission(requestID: "second", key: key, tokens: 1, cost: .zero)])
        #expect(throws: AdmissionRuleDisagreement.self) { try second.decided.get() }
        if case .failure(let error) = second.decided {
            #expect("\(error)".contains("PostgreSQL admitted request second"))
        }
        #expect(try await Self.count("SELECT COUNT(*) FROM reservations WHERE request_id = 'first'", in: schema) == 1)
        #expect(try await Self.count("SELECT COUNT(*) FROM reservations WHERE request_id = 'second'", in: schema) == 0)
        try await store.close()
    }

    /// And one whose copy refuses what the gateway's admits: the round fails too, rather than refuse with no reason.
    @Test func aRoundTheDatabaseRefusesWithinTheLimitFails() async throws {
        let (store, schema) = try await Self.openPostgres()
        let key = GatewayStoreTests().key(rpm: 1)
        try await store.insertKey(key)
        try await Self.run(Self.function(deciding: "FALSE AND NOT"), in: schema)

        let first = await store.round(settlements: [], admissions: [Admission(requestID: "first", key: key, tokens: 1, cost: .zero)])
        #expect(throws: AdmissionRuleDisagreement.self) { try first.decided.get() }
        if case .failure(let error) = first.decided {
            #expect("\(error)".contains("PostgreSQL refused request first"))
        }
        try await store.close()
    }

    /// The function with its decision changed: `admitted := <decision> (the rule)`.
    static func function(deciding decision: String) -> String {
        let changed = PostgresAdmitRound.function.replacingOccurrences(of: "admitted := NOT", with: "admitted := \(decision)")
        #expect(changed != PostgresAdmitRound.function)
        return changed
    }

    /// A database left by a release before the function (its first migration only, and a key) gets the function when
    /// a gateway opens it, and admits on that key.
    @Test func aStoreMadeBeforeTheFunctionGetsIt() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["LLM_E2E_POSTGRES_URL"])
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let key = GatewayStoreTests().key(rpm: 1)
        try await Self.run("CREATE SCHEMA \(schema)", in: schema)
        for statement in PostgresGatewayStore.migrations[0] { try await Self.run(statement, in: schema) }
        try await Self.run("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY)", in: schema)
        try await Self.run("INSERT INTO schema_migrations VALUES (1)", in: schema)
        try await Self.run(
            "INSERT INTO keys (id, name, hash, budget_period, created_at, rpm) VALUES ('\(key.id)', 'old', 'h', 'total', 0, 1)", in: schema)
        let store = try await PostgresGatewayStore.open(url: url, schema: schema)
        let old = try #require(try await store.key(id: key.id))
        #expect(try await store.admit(Admission(requestID: "a", key: old, tokens: 1, cost: .zero)) == .admitted)
        #expect(try await store.admit(Admission(requestID: "b", key: old, tokens: 1, cost: .zero)) != .admitted)
        try await store.close()
    }

    /// A store in a schema of its own, and that schema.
    static func openPostgres() async throws -> (store: PostgresGatewayStore, schema: String) {
        let url = try #require(ProcessInfo.processInfo.environment["LLM_E2E_POSTGRES_URL"])
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return (try await PostgresGatewayStore.open(url: url, schema: schema), schema)
    }

    /// The number `sql` counts in `schema`.
    static func count(_ sql: String, in schema: String) async throws -> Int {
        try await withClient(in: schema) { client in
            for try await count in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { return count }
            return -1
        }
    }

    /// Runs `sql` in `schema`.
    static func run(_ sql: String, in schema: String) async throws {
        try await withClient(in: schema) { client in _ = try await client.query(PostgresQuery(unsafeSQL: sql)) }
    }

    /// `body` with a client of its own on the test database, in `schema`.
    static func withClient<T: Sendable>(in schema: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let url = try #require(ProcessInfo.processInfo.environment["LLM_E2E_POSTGRES_URL"])
        let (configuration, _) = try PostgresGatewayStore.clientConfiguration(url: url, schema: schema)
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
