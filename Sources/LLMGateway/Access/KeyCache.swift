import NIOConcurrencyHelpers

/// Keys read from the store in the last second, by hash: one store read a key a second instead of one a request.
/// A key revoked or changed through another instance is seen here within a second; through this instance's admin
/// API, at once (it evicts the key).
final class KeyCache: Sendable {
    static let lifetime: Duration = .seconds(1)
    static let capacity = 100_000

    private let entries = NIOLockedValueBox([String: (key: StoredKey, read: ContinuousClock.Instant)]())

    func key(hash: String, now: ContinuousClock.Instant = .now) -> StoredKey? {
        entries.withLockedValue { entries in
            guard let entry = entries[hash], now - entry.read < Self.lifetime else { return nil }
            return entry.key
        }
    }

    func store(_ key: StoredKey, now: ContinuousClock.Instant = .now) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key.hash] = (key, now)
        }
    }

    func evict(id: String) {
        entries.withLockedValue { entries in
            entries = entries.filter { $0.value.key.id != id }
        }
    }
}
