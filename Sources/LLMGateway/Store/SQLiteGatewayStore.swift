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
    /// Admissions and settlements, a transaction a round.
    private let rounds = GroupCommit()
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
        rounds.start { [weak self] settlements, admissions in
            guard let self else { throw GroupCommitError.notStarted }
            return try await self.round(settlements: settlements, admissions: admissions)
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

    public func admit(_ admission: Admission) async throws -> AdmissionDecision {
        try await rounds.admit(admission)
    }

    /// The ledger's trigger (`ledger_settles`) updates the counts and the spend and ends the reservation, only when the
    /// row is new.
    public func settle(_ row: LedgerRow) async throws {
        try await rounds.settle(row)
    }

    /// One round of the group commit, in one write transaction: the ledger rows in one statement, the sums of every key
    /// the admissions name in one, the reservations that fit in one.
    private func round(settlements: [LedgerRow], admissions: [Admission]) async throws -> [AdmissionDecision] {
        try await transaction {
            if !settlements.isEmpty {
                _ = try await self.connection.query(
                    """
                    INSERT INTO ledger (request_id, time, key_id, alias, provider, model, format, streamed, status, error_kind, input_tokens,
                    output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms, ttft_ms)
                    VALUES \(Self.placeholders(rows: settlements.count, columns: 18)) ON CONFLICT (request_id) DO NOTHING
                    """, settlements.flatMap(Self.binds))
            }
            guard !admissions.isEmpty else { return [] }
            let now = KeyUsage.roundTime(admissions)
            if self.sweep.due(now: now) {
                _ = try await self.connection.query("DELETE FROM reservations WHERE expires_at <= ?", [.integer(now)])
                _ = try await self.connection.query("DELETE FROM window_usage WHERE second < ?", [.integer(now / 1000 - 120)])
            }
            var usage = try await self.usage(ofKeys: admissions.map(\.key.id), now: now)
            var reserved: [SQLiteData] = []
            let decisions = admissions.map { admission in
                let decision = usage[admission.key.id, default: KeyUsage()].decide(admission, now: now)
                if decision == .admitted {
                    let asked = KeyUsage.milliseconds(admission.now)
                    reserved += [
                        .text(admission.requestID), .text(admission.key.id), .integer(admission.tokens), .integer(Int(admission.cost.value)),
                        .integer(now), .integer(asked + Int(admission.holdFor * 1000)),
                    ]
                }
                return decision
            }
            if !reserved.isEmpty {
                _ = try await self.connection.query(
                    """
                    INSERT INTO reservations (request_id, key_id, tokens, cost_picousd, created_at, expires_at)
                    VALUES \(Self.placeholders(rows: reserved.count / 6, columns: 6)) ON CONFLICT (request_id) DO NOTHING
                    """, reserved)
            }
            return decisions
        }
    }

    /// What each of `keys` has used at `now` (milliseconds), in one statement. Settled requests count by the second
    /// they were admitted in (summing the ledger's rows of the minute cost as much as the key's rate); spend is kept
    /// by period, so the day's and the month's are read at their starts.
    private func usage(ofKeys keys: [String], now: Int) async throws -> [String: KeyUsage] {
        let distinct = Array(Set(keys))
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        // ?1 the minute's first whole second, ?2 its first millisecond, ?3 now, ?4 the day's start, ?5 the month's; the
        // keys after them.
        let common: [SQLiteData] = [
            .integer(now / 1000 - AdmissionWindow.length / 1000), .integer(now - AdmissionWindow.length), .integer(now),
            .integer(Self.milliseconds(BudgetPeriod.daily.start(containing: date))),
            .integer(Self.milliseconds(BudgetPeriod.monthly.start(containing: date))),
        ]
        let rows = try await connection.query(
            """
            WITH batch(key_id) AS (VALUES \(distinct.indices.map { "(?\(common.count + 1 + $0))" }.joined(separator: ", ")))
            SELECT key_id,
              (SELECT COALESCE(SUM(requests), 0) FROM window_usage w WHERE w.key_id = batch.key_id AND second > ?1) AS settled_requests,
              (SELECT COALESCE(SUM(tokens), 0) FROM window_usage w WHERE w.key_id = batch.key_id AND second > ?1) AS settled_tokens,
              (SELECT MIN(second) * 1000 FROM window_usage w WHERE w.key_id = batch.key_id AND second > ?1) AS settled_oldest,
              (SELECT COUNT(*) FROM reservations r WHERE r.key_id = batch.key_id AND created_at > ?2 AND expires_at > ?3) AS reserved_requests,
              (SELECT COALESCE(SUM(tokens), 0) FROM reservations r WHERE r.key_id = batch.key_id AND created_at > ?2 AND expires_at > ?3)
                AS reserved_tokens,
              (SELECT MIN(created_at) FROM reservations r WHERE r.key_id = batch.key_id AND created_at > ?2 AND expires_at > ?3) AS reserved_oldest,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM reservations r WHERE r.key_id = batch.key_id AND expires_at > ?3) AS reserved_cost,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend s WHERE s.key_id = batch.key_id AND period = 'total') AS spent_total,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend s WHERE s.key_id = batch.key_id AND period = 'daily' AND period_start = ?4)
                AS spent_daily,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend s WHERE s.key_id = batch.key_id AND period = 'monthly' AND period_start = ?5)
                AS spent_monthly
            FROM batch
            """, common + distinct.map { .text($0) })
        var usage: [String: KeyUsage] = [:]
        for row in rows {
            func int(_ name: String) -> Int { row.column(name)?.integer ?? 0 }
            usage[row.column("key_id")?.string ?? ""] = KeyUsage(
                settledRequests: int("settled_requests"), settledTokens: int("settled_tokens"),
                settledOldest: row.column("settled_oldest")?.integer, reservedRequests: int("reserved_requests"),
                reservedTokens: int("reserved_tokens"), reservedOldest: row.column("reserved_oldest")?.integer,
                spent: [.total: Int64(int("spent_total")), .daily: Int64(int("spent_daily")), .monthly: Int64(int("spent_monthly"))],
                reservedCost: Int64(int("reserved_cost")))
        }
        return usage
    }

    /// `(?, ?, …), (?, ?, …)…`: `rows` rows of `columns` parameters.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
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
