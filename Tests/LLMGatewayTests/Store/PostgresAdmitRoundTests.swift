import Foundation
@testable import LLMGateway
import PropertyBased
import Testing

/// PostgreSQL decides a round of admissions in one statement, with its own copy of the admission rule (a PL/pgSQL
/// function); SQLite decides with the gateway's. The two must agree on every decision, and a disagreement must fail
/// the round rather than let the database's copy decide.
@Suite(.enabled(if: PostgresTestDatabase.url != nil, "scripts/test.sh starts PostgreSQL"))
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
        let (store, schema, key) = try await Self.storeOnAKeyOfOneRequestAMinute(deciding: "TRUE OR NOT")
        let first = await Self.round(admitting: "first", on: key, in: store)
        #expect(try first.decided.get() == [.admitted], "both copies admit the key's first request of the minute")
        Self.expectFailure(of: await Self.round(admitting: "second", on: key, in: store), saying: "PostgreSQL admitted request second")
        #expect(try await PostgresTestDatabase.count("SELECT COUNT(*) FROM reservations WHERE request_id = 'first'", in: schema) == 1)
        #expect(try await PostgresTestDatabase.count("SELECT COUNT(*) FROM reservations WHERE request_id = 'second'", in: schema) == 0)
        try await store.close()
    }

    /// And one whose copy refuses what the gateway's admits: the round fails too, rather than refuse with no reason.
    @Test func aRoundTheDatabaseRefusesWithinTheLimitFails() async throws {
        let (store, _, key) = try await Self.storeOnAKeyOfOneRequestAMinute(deciding: "FALSE AND NOT")
        Self.expectFailure(of: await Self.round(admitting: "first", on: key, in: store), saying: "PostgreSQL refused request first")
        try await store.close()
    }

    /// A store holding a key of one request a minute, whose function decides `admitted := <decision> (the rule)`.
    static func storeOnAKeyOfOneRequestAMinute(deciding decision: String) async throws -> (PostgresGatewayStore, schema: String, StoredKey) {
        let (store, schema) = try await openPostgres()
        let key = GatewayStoreTests().key(rpm: 1)
        try await store.insertKey(key)
        let changed = PostgresAdmitRound.function.replacingOccurrences(of: "admitted := NOT", with: "admitted := \(decision)")
        #expect(changed != PostgresAdmitRound.function)
        try await PostgresTestDatabase.run(changed, in: schema)
        return (store, schema, key)
    }

    /// A round of one admission, `requestID` on `key`.
    static func round(admitting requestID: String, on key: StoredKey, in store: PostgresGatewayStore) async -> RoundOutcome {
        await store.round(settlements: [], admissions: [Admission(requestID: requestID, key: key, tokens: 1, cost: .zero)])
    }

    /// Expects `outcome`'s admissions to have failed on a disagreement whose description holds `text`.
    static func expectFailure(of outcome: RoundOutcome, saying text: String) {
        #expect(throws: AdmissionRuleDisagreement.self) { try outcome.decided.get() }
        if case .failure(let error) = outcome.decided { #expect("\(error)".contains(text)) }
    }

    /// A database left by a release before the function (its first migration only, and a key) gets the function when
    /// a gateway opens it, and admits on that key.
    @Test func aStoreMadeBeforeTheFunctionGetsIt() async throws {
        let url = try #require(PostgresTestDatabase.url)
        let schema = PostgresTestDatabase.newSchema()
        let key = GatewayStoreTests().key(rpm: 1)
        try await PostgresTestDatabase.run("CREATE SCHEMA \(schema)", in: schema)
        for statement in PostgresGatewayStore.migrations[0] { try await PostgresTestDatabase.run(statement, in: schema) }
        try await PostgresTestDatabase.run("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY)", in: schema)
        try await PostgresTestDatabase.run("INSERT INTO schema_migrations VALUES (1)", in: schema)
        try await PostgresTestDatabase.run(
            "INSERT INTO keys (id, name, hash, budget_period, created_at, rpm) VALUES ('\(key.id)', 'old', 'h', 'total', 0, 1)", in: schema)
        let store = try await PostgresGatewayStore.open(url: url, schema: schema)
        let old = try #require(try await store.key(id: key.id))
        #expect(try await store.admit(Admission(requestID: "a", key: old, tokens: 1, cost: .zero)) == .admitted)
        #expect(try await store.admit(Admission(requestID: "b", key: old, tokens: 1, cost: .zero)) != .admitted)
        try await store.close()
    }

    /// A store in a schema of its own, and that schema.
    static func openPostgres() async throws -> (store: PostgresGatewayStore, schema: String) {
        let schema = PostgresTestDatabase.newSchema()
        return (try await PostgresGatewayStore.open(url: try #require(PostgresTestDatabase.url), schema: schema), schema)
    }
}
