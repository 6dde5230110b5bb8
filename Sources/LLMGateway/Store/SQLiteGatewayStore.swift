import Foundation
import SQLiteNIO

/// The embedded store: one SQLite file in WAL mode, which several gateway processes on one machine may share
/// (`BEGIN IMMEDIATE` takes the file's write lock, so their transactions are serialized too). A commit survives the
/// process being killed at once after it (WAL with `synchronous = NORMAL`; only a power cut may lose the last ones).
///
/// A second connection copies the WAL back into the database (a checkpoint, with its `fsync`) five times a second, so
/// that little is left for the request whose commit crosses SQLite's threshold (1,000 pages) and checkpoints in its
/// turn; that request used to wait for a whole checkpoint, which made the store's p99 (measured with
/// `Benchmarks/Gateway/gateway.sh`). The request's own checkpoint stays: it is what lets the WAL start over from its
/// beginning under constant writes.
public final class SQLiteGatewayStore: GatewayStore {
    private let connection: SQLiteConnection
    private let checkpointer: SQLiteConnection
    private let checkpoints: Task<Void, Never>
    private let lock = TransactionLock()
    /// Expired reservations are deleted at most once a second; until then admissions leave them out of their sums.
    private let sweep = Sweep()

    private init(connection: SQLiteConnection, checkpointer: SQLiteConnection) {
        self.connection = connection
        self.checkpointer = checkpointer
        checkpoints = Task {
            while (try? await Task.sleep(for: .milliseconds(200))) != nil {
                // PASSIVE: copies what no reader still needs, without waiting for or blocking the writers.
                _ = try? await checkpointer.query("PRAGMA wal_checkpoint(PASSIVE)", [])
            }
        }
    }

    /// Opens (creating it if need be) the store at `path` and applies the migrations.
    public static func open(path: String) async throws -> SQLiteGatewayStore {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let pragmas = [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 10000", "PRAGMA foreign_keys = ON",
            // The WAL file is cut back to 64 MiB when it restarts.
            "PRAGMA journal_size_limit = 67108864",
        ]
        let checkpointer: SQLiteConnection
        do {
            for pragma in pragmas { _ = try await connection.query(pragma, []) }
            checkpointer = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            try? await connection.close()
            throw error
        }
        let store = SQLiteGatewayStore(connection: connection, checkpointer: checkpointer)
        do {
            _ = try await checkpointer.query("PRAGMA busy_timeout = 10000", [])
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// The schema, one migration a version (its statements in order); a released migration is never edited, only
    /// followed by a new one.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE keys (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, models TEXT, rpm INTEGER, tpm INTEGER,
                budget_picousd INTEGER, budget_period TEXT NOT NULL, expires_at INTEGER, created_at INTEGER NOT NULL, revoked_at INTEGER)
            """,
            """
            CREATE TABLE reservations (
                request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, tokens INTEGER NOT NULL, cost_picousd INTEGER NOT NULL,
                created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)
            """,
            "CREATE INDEX reservations_by_key ON reservations (key_id, created_at)",
            """
            CREATE TABLE ledger (
                request_id TEXT PRIMARY KEY, time INTEGER NOT NULL, key_id TEXT, alias TEXT, provider TEXT, model TEXT,
                format TEXT NOT NULL, streamed INTEGER NOT NULL, status INTEGER NOT NULL, error_kind TEXT,
                input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_picousd INTEGER NOT NULL,
                latency_ms INTEGER NOT NULL, ttft_ms INTEGER)
            """,
            "CREATE INDEX ledger_by_key_time ON ledger (key_id, time)",
            "CREATE INDEX ledger_by_time ON ledger (time)",
            """
            CREATE TABLE spend (
                key_id TEXT NOT NULL, period TEXT NOT NULL, period_start INTEGER NOT NULL, cost_picousd INTEGER NOT NULL,
                PRIMARY KEY (key_id, period, period_start))
            """,
            """
            CREATE TABLE window_usage (
                key_id TEXT NOT NULL, second INTEGER NOT NULL, requests INTEGER NOT NULL, tokens INTEGER NOT NULL,
                PRIMARY KEY (key_id, second))
            """,
            // A new ledger row settles its request in the same statement: the minute's counts, the spend of each budget
            // period (UTC day and month, as BudgetPeriod starts them) and the end of its reservation.
            """
            CREATE TRIGGER ledger_settles AFTER INSERT ON ledger BEGIN
                DELETE FROM reservations WHERE request_id = NEW.request_id;
                INSERT INTO window_usage (key_id, second, requests, tokens)
                    SELECT NEW.key_id, NEW.time / 1000, 1, NEW.input_tokens + NEW.output_tokens WHERE NEW.key_id IS NOT NULL
                    ON CONFLICT (key_id, second) DO UPDATE SET requests = requests + 1, tokens = tokens + excluded.tokens;
                INSERT INTO spend (key_id, period, period_start, cost_picousd)
                    SELECT NEW.key_id, period, start, NEW.cost_picousd FROM (
                        SELECT 'total' AS period, 0 AS start
                        UNION ALL SELECT 'daily', NEW.time - NEW.time % 86400000
                        UNION ALL SELECT 'monthly', CAST(strftime('%s', NEW.time / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000)
                    WHERE NEW.key_id IS NOT NULL AND NEW.cost_picousd > 0
                    ON CONFLICT (key_id, period, period_start) DO UPDATE SET cost_picousd = cost_picousd + excluded.cost_picousd;
            END
            """,
        ],
    ]

    public func migrate() async throws {
        try await transaction {
            _ = try await self.connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)", [])
            let applied = try await self.connection.query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations", [])
            let current = applied.first?.column("version")?.integer ?? 0
            for (index, migration) in Self.migrations.enumerated() where index + 1 > current {
                for statement in migration { _ = try await self.connection.query(statement, []) }
                _ = try await self.connection.query("INSERT INTO schema_migrations (version) VALUES (?)", [.integer(index + 1)])
            }
        }
    }

    public func ping() async throws {
        try await alone { _ = try await self.connection.query("SELECT 1", []) }
    }

    // MARK: Keys

    public func insertKey(_ key: StoredKey) async throws {
        try await transaction {
            _ = try await self.connection.query(
                """
                INSERT INTO keys (id, name, hash, models, rpm, tpm, budget_picousd, budget_period, expires_at, created_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, Self.binds(key))
        }
    }

    public func keys() async throws -> [StoredKey] {
        try await alone { try await self.connection.query("SELECT * FROM keys ORDER BY created_at, id", []).map(Self.key) }
    }

    public func key(id: String) async throws -> StoredKey? {
        try await alone { try await self.connection.query("SELECT * FROM keys WHERE id = ?", [.text(id)]).first.map(Self.key) }
    }

    public func key(hash: String) async throws -> StoredKey? {
        try await alone { try await self.connection.query("SELECT * FROM keys WHERE hash = ?", [.text(hash)]).first.map(Self.key) }
    }

    public func updateKey(_ key: StoredKey) async throws {
        try await transaction {
            var binds = Self.binds(key)
            binds.append(binds.removeFirst())  // the id goes last, in the WHERE clause
            _ = try await self.connection.query(
                """
                UPDATE keys SET name = ?, hash = ?, models = ?, rpm = ?, tpm = ?, budget_picousd = ?, budget_period = ?, expires_at = ?,
                created_at = ?, revoked_at = COALESCE(revoked_at, ?) WHERE id = ?
                """, binds)
        }
    }

    public func spending(ofKey id: String, since: Date) async throws -> Spending {
        try await alone {
            let row = try await self.connection.query(
                """
                SELECT COUNT(*) AS requests, COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens, COALESCE(SUM(cost_picousd), 0) AS cost
                FROM ledger WHERE key_id = ? AND time >= ?
                """, [.text(id), Self.time(since)]).first
            return Spending(
                requests: Int(row?.column("requests")?.integer ?? 0), tokens: Int(row?.column("tokens")?.integer ?? 0),
                cost: Picodollars(Int64(row?.column("cost")?.integer ?? 0)))
        }
    }

    // MARK: Admission and settlement

    /// The minute's settled requests and tokens (per-second counts: summing the ledger's rows of the minute cost as
    /// much as the key's rate), what is reserved, and the period's spend. `?1` key, `?2` the minute's first
    /// millisecond, `?3` now, `?4` budget period, `?5` its start, `?6` the minute's first whole second.
    static let sums = [
        ("settled_requests", "(SELECT COALESCE(SUM(requests), 0) FROM window_usage WHERE key_id = ?1 AND second > ?6)"),
        ("settled_tokens", "(SELECT COALESCE(SUM(tokens), 0) FROM window_usage WHERE key_id = ?1 AND second > ?6)"),
        ("settled_oldest", "(SELECT MIN(second) * 1000 FROM window_usage WHERE key_id = ?1 AND second > ?6)"),
        ("reserved_requests", "(SELECT COUNT(*) FROM reservations WHERE key_id = ?1 AND created_at > ?2 AND expires_at > ?3)"),
        ("reserved_tokens", "(SELECT COALESCE(SUM(tokens), 0) FROM reservations WHERE key_id = ?1 AND created_at > ?2 AND expires_at > ?3)"),
        ("reserved_oldest", "(SELECT MIN(created_at) FROM reservations WHERE key_id = ?1 AND created_at > ?2 AND expires_at > ?3)"),
        ("spent", "(SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = ?1 AND period = ?4 AND period_start = ?5)"),
        ("reserved_cost", "(SELECT COALESCE(SUM(cost_picousd), 0) FROM reservations WHERE key_id = ?1 AND expires_at > ?3)"),
    ]

    static func sum(_ name: String) -> String { sums.first { $0.0 == name }!.1 }

    /// The reservation, made only if it fits, in one statement (`?7` request id, `?8` tokens, `?9` cost, `?10` expiry,
    /// `?11` RPM, `?12` TPM, `?13` budget; a null limit is none). Each statement is a trip to sqlite-nio's thread, and
    /// a single statement is atomic by itself; only a refusal reads the sums again to say why.
    static let reserve = """
        INSERT INTO reservations (request_id, key_id, tokens, cost_picousd, created_at, expires_at)
        SELECT ?7, ?1, ?8, ?9, ?3, ?10
        WHERE (?11 IS NULL OR \(sum("settled_requests")) + \(sum("reserved_requests")) + 1 <= ?11)
          AND (?12 IS NULL OR \(sum("settled_tokens")) + \(sum("reserved_tokens")) + ?8 <= ?12)
          AND (?13 IS NULL OR \(sum("spent")) + \(sum("reserved_cost")) + ?9 <= ?13)
        RETURNING request_id
        """

    public func admit(_ admission: Admission) async throws -> AdmissionDecision {
        let now = Self.milliseconds(admission.now)
        let key = admission.key
        let periodStart = Self.milliseconds(key.budgetPeriod.start(containing: admission.now))
        let common: [SQLiteData] = [
            .text(key.id), .integer(now - AdmissionWindow.length), .integer(now), .text(key.budgetPeriod.rawValue), .integer(periodStart),
            .integer(now / 1000 - AdmissionWindow.length / 1000),
        ]
        let reservation = common + [
            .text(admission.requestID), .integer(admission.tokens), .integer(Int(admission.cost.value)),
            .integer(now + Int(admission.holdFor * 1000)), Self.optional(key.rpm), Self.optional(key.tpm),
            Self.optional(key.budget.map { Int($0.value) }),
        ]
        return try await alone {
            if self.sweep.due(now: now) {
                _ = try await self.connection.query("DELETE FROM reservations WHERE expires_at <= ?", [.integer(now)])
                _ = try await self.connection.query("DELETE FROM window_usage WHERE second < ?", [.integer(now / 1000 - 120)])
            }
            if try await !self.connection.query(Self.reserve, reservation).isEmpty { return .admitted }
            // Refused: the same sums say which limit, and when the minute frees up.
            let row = try await self.connection.query("SELECT " + Self.sums.map { "\($0.1) AS \($0.0)" }.joined(separator: ", "), common).first
            func int(_ name: String) -> Int { row?.column(name)?.integer ?? 0 }
            let window = AdmissionWindow(
                requests: int("settled_requests") + int("reserved_requests"), tokens: int("settled_tokens") + int("reserved_tokens"),
                oldest: [row?.column("settled_oldest")?.integer, row?.column("reserved_oldest")?.integer].compactMap { $0 }.min())
            let decision = window.decide(admission, committed: Picodollars(Int64(int("spent")) + Int64(int("reserved_cost"))), now: now)
            guard decision == .admitted else { return decision }
            // The sums moved between the two statements (another instance settled): one more try, then a short wait.
            let retried = try await self.connection.query(Self.reserve, reservation)
            return retried.isEmpty ? .rateLimited(retryAfter: 1, reason: "the key's limits are reached") : .admitted
        }
    }

    /// One statement: the ledger's trigger (`ledger_settles`) updates the counts and the spend and ends the
    /// reservation, only when the row is new.
    public func settle(_ row: LedgerRow) async throws {
        try await alone {
            _ = try await self.connection.query(
                """
                INSERT INTO ledger (request_id, time, key_id, alias, provider, model, format, streamed, status, error_kind, input_tokens,
                output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms, ttft_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING
                """, Self.binds(row))
        }
    }

    public func ledger(_ query: LedgerQuery) async throws -> [LedgerRow] {
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let key = query.keyID { conditions.append("key_id = ?"); binds.append(.text(key)) }
        if let alias = query.alias { conditions.append("alias = ?"); binds.append(.text(alias)) }
        if let since = query.since { conditions.append("time >= ?"); binds.append(Self.time(since)) }
        if let until = query.until { conditions.append("time < ?"); binds.append(Self.time(until)) }
        binds.append(.integer(max(0, min(query.limit, 100_000))))
        let sql = "SELECT * FROM ledger" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY time DESC, request_id DESC LIMIT ?"
        let bound = binds
        return try await alone { try await self.connection.query(sql, bound).map(Self.ledgerRow) }
    }

    public func close() async throws {
        checkpoints.cancel()
        await checkpoints.value
        // What is left in the WAL is copied back now, so a closed store is one file again.
        _ = try? await checkpointer.query("PRAGMA wal_checkpoint(TRUNCATE)", [])
        try await checkpointer.close()
        try await connection.close()
    }

    // MARK: Transactions

    /// `body` in a write transaction (`BEGIN IMMEDIATE`: the file's write lock is taken at once, so concurrent
    /// processes queue here instead of failing at their first write), rolled back if it throws.
    private func transaction<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await lock.exclusively {
            _ = try await connection.query("BEGIN IMMEDIATE", [])
            do {
                let value = try await body()
                _ = try await connection.query("COMMIT", [])
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", [])
                throw error
            }
        }
    }

    /// `body` alone on the connection (no transaction of another task in between): a single statement is atomic
    /// by itself.
    private func alone<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await lock.exclusively { try await body() }
    }

    // MARK: Rows

    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
    static func time(_ date: Date) -> SQLiteData { .integer(milliseconds(date)) }
    static func date(_ data: SQLiteData?) -> Date? {
        data?.integer.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
    static func optional(_ value: Int?) -> SQLiteData { value.map { .integer($0) } ?? .null }
    static func optional(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }

    static func binds(_ key: StoredKey) -> [SQLiteData] {
        let models = key.models.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        return [
            .text(key.id), .text(key.name), .text(key.hash), optional(models), optional(key.rpm), optional(key.tpm),
            optional(key.budget.map { Int($0.value) }), .text(key.budgetPeriod.rawValue), key.expiresAt.map(time) ?? .null,
            time(key.createdAt), key.revokedAt.map(time) ?? .null,
        ]
    }

    static func key(_ row: SQLiteRow) -> StoredKey {
        let models = row.column("models")?.string.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return StoredKey(
            id: row.column("id")?.string ?? "", name: row.column("name")?.string ?? "", hash: row.column("hash")?.string ?? "",
            models: models, rpm: row.column("rpm")?.integer, tpm: row.column("tpm")?.integer,
            budget: row.column("budget_picousd")?.integer.map { Picodollars(Int64($0)) },
            budgetPeriod: BudgetPeriod(rawValue: row.column("budget_period")?.string ?? "") ?? .total,
            expiresAt: date(row.column("expires_at")), createdAt: date(row.column("created_at")) ?? Date(timeIntervalSince1970: 0),
            revokedAt: date(row.column("revoked_at")))
    }

    static func binds(_ row: LedgerRow) -> [SQLiteData] {
        [
            .text(row.requestID), time(row.time), optional(row.keyID), optional(row.alias), optional(row.provider), optional(row.model),
            .text(row.format), .integer(row.streamed ? 1 : 0), .integer(row.status), optional(row.errorKind), .integer(row.inputTokens),
            .integer(row.outputTokens), .integer(row.cacheReadTokens), .integer(row.cacheWriteTokens), .integer(row.reasoningTokens),
            .integer(Int(row.cost.value)), .integer(row.latencyMilliseconds), optional(row.timeToFirstTokenMilliseconds),
        ]
    }

    static func ledgerRow(_ row: SQLiteRow) -> LedgerRow {
        func int(_ name: String) -> Int { row.column(name)?.integer ?? 0 }
        return LedgerRow(
            requestID: row.column("request_id")?.string ?? "", time: date(row.column("time")) ?? Date(timeIntervalSince1970: 0),
            keyID: row.column("key_id")?.string, alias: row.column("alias")?.string, provider: row.column("provider")?.string,
            model: row.column("model")?.string, format: row.column("format")?.string ?? "", streamed: int("streamed") != 0,
            status: int("status"), errorKind: row.column("error_kind")?.string, inputTokens: int("input_tokens"),
            outputTokens: int("output_tokens"), cacheReadTokens: int("cache_read_tokens"), cacheWriteTokens: int("cache_write_tokens"),
            reasoningTokens: int("reasoning_tokens"), cost: Picodollars(Int64(int("cost_picousd"))), latencyMilliseconds: int("latency_ms"),
            timeToFirstTokenMilliseconds: row.column("ttft_ms")?.integer)
    }
}
