import Foundation
@testable import LLMGateway
import PostgresNIO
import Testing

/// The PostgreSQL that scripts/test.sh starts (`LLM_E2E_POSTGRES_URL`): a schema of its own for each test, and a client
/// of the test's own to look inside a store's schema or change it.
enum PostgresTestDatabase {
    static var url: String? { ProcessInfo.processInfo.environment["LLM_E2E_POSTGRES_URL"] }

    /// A schema name no other test uses.
    static func newSchema() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The number `sql` counts in `schema`.
    static func count(_ sql: String, in schema: String) async throws -> Int {
        try await withClient(in: schema) { client in
            for try await count in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { return count }
            Issue.record("no row from \(sql)")
            return -1
        }
    }

    /// Runs `sql` in `schema`, read to its end (an error while it runs is thrown here, whatever it returns).
    static func run(_ sql: String, in schema: String) async throws {
        try await withClient(in: schema) { client in
            for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql)) {}
        }
    }

    /// `body` with a client of its own on the test database, in `schema`.
    static func withClient<T: Sendable>(in schema: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let url = try #require(url, "run scripts/test.sh: it starts PostgreSQL")
        let (configuration, _) = try PostgresGatewayStore.clientConfiguration(url: url, schema: schema)
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
