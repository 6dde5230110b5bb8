import Foundation
import Logging
@testable import LLMGateway
import Testing

/// Every request writes a reservation and deletes it; the PostgreSQL store vacuums that table itself, in the
/// background and through its own connections, rather than wait for autovacuum while the dead rows slow every
/// admission.
@Suite(.enabled(if: PostgresTestDatabase.url != nil, "scripts/test.sh starts PostgreSQL"))
struct PostgresReservationsVacuumTests {
    @Test func theStoreVacuumsItsReservationsTable() async throws {
        let url = try #require(PostgresTestDatabase.url)
        let schema = PostgresTestDatabase.newSchema()
        // A vacuum an hour at most: the first round starts one and no other can come while this counts. (At a second,
        // a loaded machine's 20 requests outlasted it and a second background vacuum raced the count.)
        let store = try await PostgresGatewayStore.open(
            url: url, schema: schema, logger: Logger(label: "test"), reservationsVacuum: Sweep(interval: 3_600_000))
        let fixtures = GatewayStoreTests()
        let key = fixtures.key()
        try await store.insertKey(key)
        for index in 0..<20 {
            #expect(try await store.admit(Admission(requestID: "r\(index)", key: key, tokens: 10, cost: .zero)) == .admitted)
            try await store.settle(fixtures.row("r\(index)", key: key.id, tokens: (5, 5)))
        }
        // Once the background vacuum is counted, it is over, and the count moves only by the vacuum below.
        var background = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while background == 0, ContinuousClock.now < deadline {
            background = try await Self.vacuums(of: "reservations", in: schema)
            if background == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(background == 1, "the store vacuums its reservations by itself")
        try await store.vacuumReservations()
        #expect(try await Self.vacuums(of: "reservations", in: schema) == background + 1)
        try await store.close()
    }

    /// How many times `table` of `schema` was vacuumed by hand (not by autovacuum), read on a connection of its own.
    static func vacuums(of table: String, in schema: String) async throws -> Int {
        try await PostgresTestDatabase.count(
            "SELECT vacuum_count FROM pg_stat_user_tables WHERE schemaname = '\(schema)' AND relname = '\(table)'", in: schema)
    }
}
