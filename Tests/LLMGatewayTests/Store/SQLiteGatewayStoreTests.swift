import Foundation
import LLMGateway
import Testing

/// What only the SQLite store does: its file's layout.
@Suite struct SQLiteGatewayStoreTests {
    /// A new database is made with 1 KiB pages (a request writes a quarter as many bytes to the WAL as with SQLite's
    /// default 4 KiB), and reopening it keeps them.
    @Test func aNewDatabaseHasPagesOfOneKiB() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLiteGatewayStore.open(path: path)
        let key = StoredKey(id: GatewayKeySecret.newID(), name: "t", hash: GatewayKeySecret.hash(GatewayKeySecret.generate()), createdAt: Date())
        try await store.insertKey(key)
        #expect(try await store.admit(Admission(requestID: "r1", key: key, tokens: 1, cost: .zero, now: Date())) == .admitted)
        try await store.close()
        #expect(try Self.pageSize(ofDatabaseAt: path) == 1024)

        let again = try await SQLiteGatewayStore.open(path: path)
        #expect(try await again.keys().map(\.id) == [key.id])
        try await again.close()
        #expect(try Self.pageSize(ofDatabaseAt: path) == 1024)
    }

    /// The page size as the file's header gives it: two big-endian bytes at offset 16 (1 stands for 65,536).
    static func pageSize(ofDatabaseAt path: String) throws -> Int {
        let header = try #require(FileHandle(forReadingAtPath: path)).readData(ofLength: 18)
        try #require(header.count == 18)
        let size = Int(header[16]) << 8 | Int(header[17])
        return size == 1 ? 65_536 : size
    }
}
