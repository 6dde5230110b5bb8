import Foundation
import GRDB
import NIOConcurrencyHelpers

/// The embedded store: one SQLite file in WAL mode, which several gateway processes on one machine may share (each
/// write transaction is `BEGIN IMMEDIATE`: it takes the file's write lock at once, so their transactions are serialized
/// too). A commit survives the process being killed at once after it (WAL with `synchronous = NORMAL`; only a power cut
/// may lose the last ones).
///
/// On GRDB: a round of the group commit (``GroupCommit``) is one transaction on the writer connection, its statements
/// prepared once and kept, run by the round's own thread; reads (keys, the ledger) go to reader connections beside it.
/// (On sqlite-nio each statement was a trip of its own to a thread pool and back, which the profile showed as the
/// store's cost.)
///
/// Rounds rarely wait for a checkpoint (the copy of the WAL back into the database, with its `fsync`s): the writer
/// never checkpoints by itself (`wal_autocheckpoint = 0`); a second connection does, twenty times a second while
/// writes come (``checkpointPause``), without blocking the writer (PASSIVE). The WAL starts over only at a write that
/// finds it all copied, which never happens while writes keep coming, so past 64 MiB the writer copies what was
/// written since, between two rounds (about 7 ms here, mostly two `fsync`s; at 1,000 requests/s once every 1.5 s).
/// Measured with `Benchmarks/Sources/StoreBench` (one request at a time, 2,000 of them): with SQLite's own checkpoint
/// every 1,000 pages, p99 2.6-2.7 ms for an admission and a settlement; without it, 0.74-0.81 ms.
public final class SQLiteGatewayStore: GatewayStore, GroupCommitStore {
    private let databasePool: DatabasePool
    /// Set by ``close()``: GRDB must not be used after its connections are closed, so every call checks first.
    private let closed = NIOLockedValueBox(false)
    private let checkpointer: DatabaseQueue
    private let checkpoints: Task<Void, Never>
    /// Expired reservations are deleted at most once a second; until then admissions leave them out of their sums.
    private let sweep = Sweep()
    /// Admissions and settlements, a transaction a round.
    private let rounds = GroupCommit()

    /// How long the checkpointer waits between two checkpoints: while rounds write, and once one found nothing new.
    /// A checkpoint's copy and its two `fsync`s hold up the rounds that run beside it (the disk and the two cores
    /// they share), the longer the more it copies: at 1,000 requests/s (`LoadGen`, SQLite, rounds of 10 s alternated
    /// in pairs) a checkpoint every 200 ms left 1.71-2.18 ms at p99, every 1,000 ms 1.81-2.20, every 50 ms 1.23-1.83,
    /// every 15 ms 1.15-1.23 (the `fsync`s then eleven times those of 200 ms), with no change to saturation's
    /// requests/s.
    static let checkpointPause = (writing: Duration.milliseconds(50), idle: Duration.milliseconds(200))

    /// WAL frames (pages of 4 KiB) past which the writer checkpoints, so that the WAL starts over (64 MiB: a larger
    /// WAL made each restart longer, not rarer enough).
    static let largestWAL = 16_384

    private init(pool: DatabasePool, checkpointer: DatabaseQueue) {
        databasePool = pool
        self.checkpointer = checkpointer
        checkpoints = Task {
            var pause = Self.checkpointPause.idle
            var lastFrameCount: Int?
            while (try? await Task.sleep(for: pause)) != nil {
                // PASSIVE, on a connection of its own: copies what no reader still needs, without blocking the writer.
                let frames = try? await checkpointer.writeWithoutTransaction { try $0.checkpoint(.passive) }
                // The WAL starts over at a write that finds it all copied, which never happens while writes keep coming:
                // past the limit, the writer copies the little written since, between two rounds.
                if let frames, frames.walFrameCount > Self.largestWAL {
                    _ = try? await pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
                }
                // The WAL as long as at the last look: nothing was written since, and the next look can wait longer.
                let written = frames?.walFrameCount != lastFrameCount
                lastFrameCount = frames?.walFrameCount
                pause = written ? Self.checkpointPause.writing : Self.checkpointPause.idle
            }
        }
    }

    /// Opens (creating it if need be) the store at `path` and applies the migrations.
    public static func open(path: String) async throws -> SQLiteGatewayStore {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A WAL file past 128 MiB is cut back when it starts over; under that it is reused as it is (cutting a
            // 256 MiB WAL back to 64 made its restart take 100 ms, at 1,000 requests/s).
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 134217728; PRAGMA wal_autocheckpoint = 0")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        var checkpointing = Configuration()
        checkpointing.busyMode = .timeout(10)
        let checkpointer: DatabaseQueue
        do {
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointing)
        } catch {
            try? pool.close()
            throw error
        }
        let store = SQLiteGatewayStore(pool: pool, checkpointer: checkpointer)
        do {
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
        // A round counts its new rows itself (`count(_:in:)`), one statement per key and second or period rather than
        // three a row in the trigger; the small tables keyed by their primary key have no rowid, so each of their
        // rows is written in one B-tree, not two.
        ["DROP TRIGGER ledger_settles"]
            + withoutRowID(
                "reservations",
                columns: """
                    request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, tokens INTEGER NOT NULL, cost_picousd INTEGER NOT NULL,
                    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
                    """,
                names: "request_id, key_id, tokens, cost_picousd, created_at, expires_at")
            + ["CREATE INDEX reservations_by_key ON reservations (key_id, created_at)"]
            + withoutRowID(
                "window_usage",
                columns: "key_id TEXT NOT NULL, second INTEGER NOT NULL, requests INTEGER NOT NULL, tokens INTEGER NOT NULL, PRIMARY KEY (key_id, second)",
                names: "key_id, second, requests, tokens")
            + withoutRowID(
                "spend",
                columns: """
                    key_id TEXT NOT NULL, period TEXT NOT NULL, period_start INTEGER NOT NULL, cost_picousd INTEGER NOT NULL,
                    PRIMARY KEY (key_id, period, period_start)
                    """,
                names: "key_id, period, period_start, cost_picousd"),
    ]

    /// The statements that remake `table` without a rowid, its rows kept (its indexes go with the old table).
    private static func withoutRowID(_ table: String, columns: String, names: String) -> [String] {
        [
            "CREATE TABLE \(table)_new (\(columns)) WITHOUT ROWID",
            "INSERT INTO \(table)_new (\(names)) SELECT \(names) FROM \(table)",
            "DROP TABLE \(table)",
            "ALTER TABLE \(table)_new RENAME TO \(table)",
        ]
    }

    public func migrate() async throws {
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            let current = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0
            for (index, migration) in Self.migrations.enumerated() where index + 1 > current {
                for statement in migration { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO schema_migrations (version) VALUES (?)", arguments: [index + 1])
            }
        }
    }

    public func ping() async throws {
        try await pool.read { try $0.execute(sql: "SELECT 1") }
    }

    // MARK: Keys

    public func insertKey(_ key: StoredKey) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO keys (id, name, hash, models, rpm, tpm, budget_picousd, budget_period, expires_at, created_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(Self.values(key)))
        }
    }

    public func keys() async throws -> [StoredKey] {
        try await pool.read { try Row.fetchAll($0, sql: "SELECT * FROM keys ORDER BY created_at, id").map(Self.key) }
    }

    public func key(id: String) async throws -> StoredKey? {
        try await pool.read { try Row.fetchOne($0, sql: "SELECT * FROM keys WHERE id = ?", arguments: [id]).map(Self.key) }
    }

    public func key(hash: String) async throws -> StoredKey? {
        try await pool.read { try Row.fetchOne($0, sql: "SELECT * FROM keys WHERE hash = ?", arguments: [hash]).map(Self.key) }
    }

    public func updateKey(_ key: StoredKey) async throws {
        var values = Self.values(key)
        values.append(values.removeFirst())  // the id goes last, in the WHERE clause
        let arguments = StatementArguments(values)
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE keys SET name = ?, hash = ?, models = ?, rpm = ?, tpm = ?, budget_picousd = ?, budget_period = ?, expires_at = ?,
                    created_at = ?, revoked_at = COALESCE(revoked_at, ?) WHERE id = ?
                    """, arguments: arguments)
        }
    }

    public func spending(ofKey id: String, since: Date) async throws -> Spending {
        let since = since.millisecondsSince1970
        return try await pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS requests, COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens, COALESCE(SUM(cost_picousd), 0) AS cost
                    FROM ledger WHERE key_id = ? AND time >= ?
                    """, arguments: [id, since])
            return Spending(
                requests: row?["requests"] ?? 0, tokens: row?["tokens"] ?? 0, cost: Picodollars(row?["cost"] ?? Int64(0)))
        }
    }

    // MARK: Admission and settlement

    public func admit(_ admission: Admission) async throws -> AdmissionDecision {
        try await rounds.admit(admission, in: self)
    }

    /// The row's round counts it in its key's minute and spend and ends its reservation, only when the row is new.
    public func settle(_ row: LedgerRow) async throws {
        try await rounds.settle(row, in: self)
    }

    static let insertLedgerRow = """
        INSERT INTO ledger (request_id, time, key_id, alias, provider, model, format, streamed, status, error_kind, input_tokens,
        output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms, ttft_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING
        """

    static let insertReservation = """
        INSERT INTO reservations (request_id, key_id, tokens, cost_picousd, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (request_id) DO NOTHING
        """

    /// What a key has used (`?1`) at a time: settled requests count by the second they were admitted in (summing the
    /// ledger's rows of the minute cost as much as the key's rate); spend is kept by period. `?2` the minute's first
    /// whole second, `?3` its first millisecond, `?4` now, `?5` the day's start, `?6` the month's.
    static let usage = """
        SELECT
          (SELECT COALESCE(SUM(requests), 0) FROM window_usage WHERE key_id = ?1 AND second > ?2) AS settled_requests,
          (SELECT COALESCE(SUM(tokens), 0) FROM window_usage WHERE key_id = ?1 AND second > ?2) AS settled_tokens,
          (SELECT MIN(second) * 1000 FROM window_usage WHERE key_id = ?1 AND second > ?2) AS settled_oldest,
          (SELECT COUNT(*) FROM reservations WHERE key_id = ?1 AND created_at > ?3 AND expires_at > ?4) AS reserved_requests,
          (SELECT COALESCE(SUM(tokens), 0) FROM reservations WHERE key_id = ?1 AND created_at > ?3 AND expires_at > ?4) AS reserved_tokens,
          (SELECT MIN(created_at) FROM reservations WHERE key_id = ?1 AND created_at > ?3 AND expires_at > ?4) AS reserved_oldest,
          (SELECT COALESCE(SUM(cost_picousd), 0) FROM reservations WHERE key_id = ?1 AND expires_at > ?4) AS reserved_cost,
          (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = ?1 AND period = 'total') AS spent_total,
          (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = ?1 AND period = 'daily' AND period_start = ?5) AS spent_daily,
          (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = ?1 AND period = 'monthly' AND period_start = ?6) AS spent_monthly
        """

    /// One round of the group commit: one write transaction, its statements prepared once, run by the round's own
    /// thread (GRDB's synchronous write runs it there once the writer is free). Handed to the writer's queue and back,
    /// a round at saturation took 430-610 us, of which the transaction 210-240: the rest was waiting for two threads to
    /// be woken and scheduled on busy cores. Run here: about 210 us, 9% more requests/s, and p50 and p99 at 1,000
    /// requests/s 0.1 and 1 ms lower. It holds a cooperative thread while another process sharing the file writes, and
    /// through the writer's copy of the WAL when it starts over (past 64 MiB), which every round waits for anyway.
    /// (When the writer still checkpointed by itself, with `fsync`s every 1,000 pages, this was slower.)
    func round(settlements: [LedgerRow], admissions: [Admission]) async -> RoundOutcome {
        RoundOutcome(Result { try write(settlements: settlements, admissions: admissions) })
    }

    private func write(settlements: [LedgerRow], admissions: [Admission]) throws -> [AdmissionDecision] {
        let sweep = sweep
        return try pool.write { db in
            let ledger = try db.cachedStatement(sql: Self.insertLedgerRow)
            var new: [LedgerRow] = []
            for row in settlements {
                try ledger.execute(arguments: StatementArguments(Self.values(row)))
                // A row already in the ledger (settled twice) counts once.
                if db.changesCount > 0 { new.append(row) }
            }
            try Self.count(new, in: db)
            guard !admissions.isEmpty else { return [] }
            let now = KeyUsage.roundTime(admissions)
            if sweep.due(now: now) {
                try db.execute(sql: "DELETE FROM reservations WHERE expires_at <= ?", arguments: [now])
                try db.execute(sql: "DELETE FROM window_usage WHERE second < ?", arguments: [now / 1000 - 120])
            }
            let bounds = KeyUsage.Bounds(now: now)
            let window: [(any DatabaseValueConvertible)?] = [bounds.firstSecond, bounds.windowStart, bounds.now, bounds.dayStart, bounds.monthStart]
            let reading = try db.cachedStatement(sql: Self.usage)
            let reserving = try db.cachedStatement(sql: Self.insertReservation)
            var usage: [String: KeyUsage] = [:]
            var decisions: [AdmissionDecision] = []
            for admission in admissions {
                let key = admission.key.id
                if usage[key] == nil {
                    let row = try Row.fetchOne(reading, arguments: StatementArguments([key] + window))
                    usage[key] = row.map(Self.usage) ?? KeyUsage()
                }
                let decision = usage[key]!.decide(admission, now: now)
                if decision == .admitted {
                    let expires = admission.now.millisecondsSince1970 + Int(admission.holdFor * 1000)
                    try reserving.execute(arguments: [admission.requestID, key, admission.tokens, admission.cost.value, now, expires])
                }
                decisions.append(decision)
            }
            return decisions
        }
    }

    static let endReservation = "DELETE FROM reservations WHERE request_id = ?"

    static let addWindowUsage = """
        INSERT INTO window_usage (key_id, second, requests, tokens) VALUES (?, ?, ?, ?)
        ON CONFLICT (key_id, second) DO UPDATE SET requests = requests + excluded.requests, tokens = tokens + excluded.tokens
        """

    static let addSpend = """
        INSERT INTO spend (key_id, period, period_start, cost_picousd) VALUES (?, ?, ?, ?)
        ON CONFLICT (key_id, period, period_start) DO UPDATE SET cost_picousd = cost_picousd + excluded.cost_picousd
        """

    /// Counts a round's new ledger rows: each ends its reservation, and adds to its key's requests and tokens of the
    /// second it was admitted in and to the spend of each budget period (UTC day and month, as `BudgetPeriod` starts
    /// them, and the total), one statement per key and second or period however many rows share it.
    private static func count(_ rows: [LedgerRow], in db: Database) throws {
        guard !rows.isEmpty else { return }
        let ending = try db.cachedStatement(sql: endReservation)
        var seconds: [SecondOfKey: SecondUsage] = [:]
        var spend: [PeriodOfKey: Int64] = [:]
        var periodStarts = PeriodStarts()
        for row in rows {
            try ending.execute(arguments: [row.requestID])
            guard let key = row.keyID else { continue }
            let time = row.time.millisecondsSince1970
            seconds[SecondOfKey(key: key, second: time / 1000), default: SecondUsage()].add(tokens: row.inputTokens + row.outputTokens)
            guard row.cost.value > 0 else { continue }
            let starts = periodStarts.of(row.time)
            for (period, start) in [(BudgetPeriod.total, 0), (.daily, starts.daily), (.monthly, starts.monthly)] {
                spend[PeriodOfKey(key: key, period: period, start: start), default: 0] += row.cost.value
            }
        }
        let addingUsage = try db.cachedStatement(sql: addWindowUsage)
        for (second, usage) in seconds {
            try addingUsage.execute(arguments: [second.key, second.second, usage.requests, usage.tokens])
        }
        let addingSpend = try db.cachedStatement(sql: addSpend)
        for (period, cost) in spend {
            try addingSpend.execute(arguments: [period.key, period.period.rawValue, period.start, cost])
        }
    }

    private struct SecondOfKey: Hashable {
        let key: String
        let second: Int
    }

    /// A key's requests and tokens of one second.
    private struct SecondUsage {
        var requests = 0
        var tokens = 0

        mutating func add(tokens: Int) {
            requests += 1
            self.tokens += tokens
        }
    }

    private struct PeriodOfKey: Hashable {
        let key: String
        let period: BudgetPeriod
        let start: Int
    }

    public func ledger(_ query: LedgerQuery) async throws -> [LedgerRow] {
        var conditions: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        if let key = query.keyID { conditions.append("key_id = ?"); values.append(key) }
        if let alias = query.alias { conditions.append("alias = ?"); values.append(alias) }
        if let since = query.since { conditions.append("time >= ?"); values.append(since.millisecondsSince1970) }
        if let until = query.until { conditions.append("time < ?"); values.append(until.millisecondsSince1970) }
        values.append(max(0, min(query.limit, 100_000)))
        let sql = "SELECT * FROM ledger" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY time DESC, request_id DESC LIMIT ?"
        let arguments = StatementArguments(values)
        return try await pool.read { try Row.fetchAll($0, sql: sql, arguments: arguments).map(Self.ledgerRow) }
    }

    /// The connections, until the store is closed.
    private var pool: DatabasePool {
        get throws {
            if closed.withLockedValue({ $0 }) { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the store is closed") }
            return databasePool
        }
    }

    /// Closes the connections (a second call does nothing).
    public func close() async throws {
        guard closed.withLockedValue({ closed in defer { closed = true }; return !closed }) else { return }
        checkpoints.cancel()
        await checkpoints.value
        // What is left in the WAL is copied back now, so a closed store is one file again.
        _ = try? await databasePool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try checkpointer.close()
        try databasePool.close()
    }

    // MARK: Rows

    static func date(_ milliseconds: Int?) -> Date? {
        milliseconds.map(Date.init(millisecondsSince1970:))
    }

    static func values(_ key: StoredKey) -> [(any DatabaseValueConvertible)?] {
        let models = key.models.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        return [
            key.id, key.name, key.hash, models, key.rpm, key.tpm, key.budget?.value, key.budgetPeriod.rawValue,
            key.expiresAt?.millisecondsSince1970, key.createdAt.millisecondsSince1970, key.revokedAt?.millisecondsSince1970,
        ]
    }

    static func key(_ row: Row) -> StoredKey {
        let models = (row["models"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return StoredKey(
            id: row["id"] ?? "", name: row["name"] ?? "", hash: row["hash"] ?? "", models: models, rpm: row["rpm"], tpm: row["tpm"],
            budget: (row["budget_picousd"] as Int64?).map(Picodollars.init),
            budgetPeriod: BudgetPeriod(rawValue: row["budget_period"] ?? "") ?? .total, expiresAt: date(row["expires_at"]),
            createdAt: date(row["created_at"]) ?? Date(timeIntervalSince1970: 0), revokedAt: date(row["revoked_at"]))
    }

    static func usage(_ row: Row) -> KeyUsage {
        KeyUsage(
            settledRequests: row["settled_requests"] ?? 0, settledTokens: row["settled_tokens"] ?? 0, settledOldest: row["settled_oldest"],
            reservedRequests: row["reserved_requests"] ?? 0, reservedTokens: row["reserved_tokens"] ?? 0, reservedOldest: row["reserved_oldest"],
            spent: [.total: row["spent_total"] ?? 0, .daily: row["spent_daily"] ?? 0, .monthly: row["spent_monthly"] ?? 0],
            reservedCost: row["reserved_cost"] ?? 0)
    }

    static func values(_ row: LedgerRow) -> [(any DatabaseValueConvertible)?] {
        [
            row.requestID, row.time.millisecondsSince1970, row.keyID, row.alias, row.provider, row.model, row.format, row.streamed ? 1 : 0, row.status,
            row.errorKind, row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheWriteTokens, row.reasoningTokens, row.cost.value,
            row.latencyMilliseconds, row.timeToFirstTokenMilliseconds,
        ]
    }

    static func ledgerRow(_ row: Row) -> LedgerRow {
        LedgerRow(
            requestID: row["request_id"] ?? "", time: date(row["time"]) ?? Date(timeIntervalSince1970: 0), keyID: row["key_id"],
            alias: row["alias"], provider: row["provider"], model: row["model"], format: row["format"] ?? "",
            streamed: (row["streamed"] ?? 0) != 0, status: row["status"] ?? 0, errorKind: row["error_kind"],
            inputTokens: row["input_tokens"] ?? 0, outputTokens: row["output_tokens"] ?? 0, cacheReadTokens: row["cache_read_tokens"] ?? 0,
            cacheWriteTokens: row["cache_write_tokens"] ?? 0, reasoningTokens: row["reasoning_tokens"] ?? 0,
            cost: Picodollars(row["cost_picousd"] ?? Int64(0)), latencyMilliseconds: row["latency_ms"] ?? 0,
            timeToFirstTokenMilliseconds: row["ttft_ms"])
    }
}
