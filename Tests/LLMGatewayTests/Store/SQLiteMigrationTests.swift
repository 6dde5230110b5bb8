import Foundation
import GRDB
import Testing

@testable import LLMGateway

/// A SQLite store file that an earlier release wrote keeps what it counts when a newer release opens (and migrates) it.
@Suite struct SQLiteMigrationTests {
    static let dollar: Int64 = 1_000_000_000_000

    @Test("a version-1 file keeps its spend, its live reservations and its minute's requests through the migrations")
    func versionOneUsageSurvivesTheMigrations() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-v1-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let now = Date().millisecondsSince1970
        // Version 1 as it was released, with a key (3 requests a minute, $1 in total) that has spent $0.50 on one
        // settled request (counted by version 1's trigger) and holds a live reservation of $0.30.
        let file = try DatabaseQueue(path: path)
        try await file.write { db in
            try db.execute(sql: "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
            for statement in SQLiteGatewayStore.migrations[0] { try db.execute(sql: statement) }
            try db.execute(sql: "INSERT INTO schema_migrations (version) VALUES (1)")
            try db.execute(
                sql: """
                    INSERT INTO keys (id, name, hash, rpm, budget_picousd, budget_period, created_at) VALUES ('k1', 'old', 'h1', 3, ?, 'total', ?)
                    """, arguments: [Self.dollar, now])
            try db.execute(
                sql: "INSERT INTO reservations VALUES ('pending', 'k1', 10, ?, ?, ?)", arguments: [Self.dollar * 3 / 10, now, now + 600_000])
            try db.execute(
                sql: """
                    INSERT INTO ledger (request_id, time, key_id, format, streamed, status, input_tokens, output_tokens, cache_read_tokens,
                    cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms) VALUES ('done', ?, 'k1', 'openai-chat', 0, 200, 5, 5, 0, 0, 0, ?, 3)
                    """, arguments: [now, Self.dollar / 2])
        }
        try file.close()

        let store = try await SQLiteGatewayStore.open(path: path)
        let key = try #require(try await store.key(id: "k1"))
        func admit(_ id: String, dollars cost: Int64) async throws -> AdmissionDecision {
            try await store.admit(Admission(requestID: id, key: key, tokens: 1, cost: Picodollars(cost)))
        }
        // $0.50 spent + $0.30 reserved + $0.30 passes $1; the minute has used 2 of its 3 requests.
        guard case .budgetExhausted = try await admit("a", dollars: Self.dollar * 3 / 10) else {
            Issue.record("the spend and the reservation of version 1 count")
            return
        }
        #expect(try await admit("b", dollars: Self.dollar / 5) == .admitted)
        guard case .rateLimited = try await admit("c", dollars: 0) else {
            Issue.record("the settled request and the reservation of version 1 count in the minute")
            return
        }
        // The old reservation settles as a new one would: its $0.30 held becomes the $0.10 it cost.
        try await store.settle(LedgerRow(
            requestID: "pending", time: Date(), keyID: "k1", alias: nil, provider: nil, model: nil, format: "openai-chat", streamed: false,
            status: 200, errorKind: nil, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0,
            cost: Picodollars(Self.dollar / 10), latencyMilliseconds: 1, timeToFirstTokenMilliseconds: nil))
        #expect(try await store.spending(ofKey: "k1", since: .distantPast).cost == Picodollars(Self.dollar * 6 / 10))
        try await store.close()

        let schema = try DatabaseQueue(path: path)
        let tables = try await schema.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('reservations', 'window_usage', 'spend')")
        }
        #expect(tables.count == 3 && tables.allSatisfy { $0.hasSuffix("WITHOUT ROWID") }, "\(tables)")
        try schema.close()
    }
}
