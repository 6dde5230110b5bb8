import Foundation
import Logging
import PostgresNIO

/// The store for several gateway instances: one PostgreSQL database they all use (postgres-nio's connection pool).
///
/// Admissions and settlements go in rounds (``GroupCommit``). A round's admissions are one statement, a function that
/// locks the rows of their keys (`SELECT … FOR UPDATE`), so every instance's admissions on one key take turns
/// (``PostgresAdmitRound``); its settlements are one statement that replaces their reservations by their ledger rows.
/// The rounds' statements are prepared once a connection.
public final class PostgresGatewayStore: GatewayStore, GroupCommitStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let logger: Logger
    /// Expired reservations are deleted at most once a second by each instance; sums leave them out until then.
    private let sweep = Sweep()
    /// A request writes a reservation and deletes it: their dead rows piled up in the table and its index between two
    /// autovacuums (a minute apart at the least), and every admission's sums walked them (wrk, one schema: 3,277 ->
    /// 2,508 requests/s over 30 s, 84,000 dead rows; 3,848 right after a `VACUUM`). Each instance vacuums the table in
    /// the background once a second, skipping it while another does.
    private let reservationsVacuum: Sweep
    /// Admissions and settlements, a statement a round each: two group commits, so that a settlement never waits for
    /// a round of admissions (which may wait for other instances' locks) and the two run at once on two connections.
    private let admissionRounds = GroupCommit()
    private let settlementRounds = GroupCommit()

    private init(client: PostgresClient, running: Task<Void, Never>, logger: Logger, reservationsVacuum: Sweep) {
        self.client = client
        self.running = running
        self.logger = logger
        self.reservationsVacuum = reservationsVacuum
    }

    /// Connects to `url` (`postgres://user[:password]@host:port/database[?schema=name]`, no TLS: use it on a private
    /// network or loopback), in `schema` (or the URL's; made if missing), and applies the migrations.
    public static func open(url: String, schema: String? = nil, logger: Logger = Logger(label: "llm.gateway.store")) async throws -> PostgresGatewayStore {
        try await open(url: url, schema: schema, logger: logger, reservationsVacuum: Sweep())
    }

    /// `open(url:schema:logger:)` with the background vacuum's pace chosen (a test counts the vacuums).
    static func open(url: String, schema: String?, logger: Logger, reservationsVacuum: Sweep) async throws -> PostgresGatewayStore {
        let (configuration, schema) = try clientConfiguration(url: url, schema: schema)
        let client = PostgresClient(configuration: configuration)
        let running = Task { await client.run() }
        let store = PostgresGatewayStore(client: client, running: running, logger: logger, reservationsVacuum: reservationsVacuum)
        do {
            if let schema {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            }
            try await store.migrate()
        } catch {
            running.cancel()
            throw error
        }
        return store
    }

    /// The connections' configuration for `url`, in `schema` (or the URL's), and that schema; a URL or schema this
    /// store cannot use throws.
    static func clientConfiguration(url: String, schema: String?) throws -> (PostgresClient.Configuration, schema: String?) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""), let host = components.host,
            !host.isEmpty
        else {
            throw GatewayConfigurationError("store.postgres: not a postgres://user@host:port/database URL")
        }
        let schema = schema ?? components.queryItems?.first { $0.name == "schema" }?.value
        if let schema, schema.isEmpty || !schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            throw GatewayConfigurationError("store.postgres: the schema must be letters, digits and _")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: components.path.isEmpty ? nil : String(components.path.dropFirst()), tls: .disable)
        // The rounds' statements are prepared once a connection; left to choose, PostgreSQL planned them anew at each
        // execution (custom plans), a fifth of its CPU. Their generic plans are the same index lookups.
        configuration.options.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        // An admission reads its keys' usage after locking them, which sees the last commit under read committed only
        // (``PostgresAdmitRound``): pinned, whatever the database's or the role's default.
        configuration.options.additionalStartupParameters.append(("default_transaction_isolation", "read committed"))
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        return (configuration, schema)
    }

    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE keys (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, models TEXT, rpm BIGINT, tpm BIGINT,
                budget_picousd BIGINT, budget_period TEXT NOT NULL, expires_at BIGINT, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            """
            CREATE TABLE reservations (
                request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, tokens BIGINT NOT NULL, cost_picousd BIGINT NOT NULL,
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX reservations_by_key ON reservations (key_id, created_at)",
            """
            CREATE TABLE ledger (
                request_id TEXT PRIMARY KEY, time BIGINT NOT NULL, key_id TEXT, alias TEXT, provider TEXT, model TEXT,
                format TEXT NOT NULL, streamed BOOLEAN NOT NULL, status BIGINT NOT NULL, error_kind TEXT,
                input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL,
                cache_write_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, cost_picousd BIGINT NOT NULL,
                latency_ms BIGINT NOT NULL, ttft_ms BIGINT)
            """,
            "CREATE INDEX ledger_by_key_time ON ledger (key_id, time)",
            "CREATE INDEX ledger_by_time ON ledger (time)",
            """
            CREATE TABLE spend (
                key_id TEXT NOT NULL, period TEXT NOT NULL, period_start BIGINT NOT NULL, cost_picousd BIGINT NOT NULL,
                PRIMARY KEY (key_id, period, period_start))
            """,
            """
            CREATE TABLE window_usage (
                key_id TEXT NOT NULL, second BIGINT NOT NULL, requests BIGINT NOT NULL, tokens BIGINT NOT NULL,
                PRIMARY KEY (key_id, second))
            """,
        ],
        [PostgresAdmitRound.function],
    ]

    public func migrate() async throws {
        try await client.withTransaction(logger: logger) { connection in
            // One migrator at a time, whichever instance starts first.
            try await connection.query("SELECT pg_advisory_xact_lock(4242001)", logger: self.logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)", logger: self.logger)
            var current = 0
            for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: self.logger)
                .decode(Int.self)
            {
                current = version
            }
            for (index, statements) in Self.migrations.enumerated() where index + 1 > current {
                for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger) }
                try await connection.query("INSERT INTO schema_migrations (version) VALUES (\(index + 1))", logger: self.logger)
            }
        }
    }

    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    // MARK: Keys

    public func insertKey(_ key: StoredKey) async throws {
        var query = PostgresQuery(unsafeSQL: """
            INSERT INTO keys (id, name, hash, models, rpm, tpm, budget_picousd, budget_period, expires_at, created_at, revoked_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """)
        query.binds = try Self.binds(key)
        try await client.query(query, logger: logger)
    }

    public func keys() async throws -> [StoredKey] {
        try await rows("SELECT * FROM keys ORDER BY created_at, id", Self.key)
    }

    public func key(id: String) async throws -> StoredKey? {
        try await rows("SELECT * FROM keys WHERE id = \(id)", Self.key).first
    }

    public func key(hash: String) async throws -> StoredKey? {
        try await rows("SELECT * FROM keys WHERE hash = \(hash)", Self.key).first
    }

    public func updateKey(_ key: StoredKey) async throws {
        var query = PostgresQuery(unsafeSQL: """
            UPDATE keys SET name = $2, hash = $3, models = $4, rpm = $5, tpm = $6, budget_picousd = $7, budget_period = $8,
            expires_at = $9, created_at = $10, revoked_at = COALESCE(keys.revoked_at, $11) WHERE id = $1
            """)
        query.binds = try Self.binds(key)
        try await client.query(query, logger: logger)
    }

    public func spending(ofKey id: String, since: Date) async throws -> Spending {
        let since = Int64(since.millisecondsSince1970)
        let result = try await rows(
            """
            SELECT COUNT(*)::BIGINT AS requests, COALESCE(SUM(input_tokens + output_tokens), 0)::BIGINT AS tokens,
            COALESCE(SUM(cost_picousd), 0)::BIGINT AS cost FROM ledger WHERE key_id = \(id) AND time >= \(since)
            """
        ) { row in
            Spending(requests: try row["requests"].decode(Int.self), tokens: try row["tokens"].decode(Int.self), cost: Picodollars(try row["cost"].decode(Int64.self)))
        }
        return result.first ?? Spending(requests: 0, tokens: 0, cost: .zero)
    }

    // MARK: Admission and settlement

    public func admit(_ admission: Admission) async throws -> AdmissionDecision {
        try await admissionRounds.admit(admission, in: self)
    }

    public func settle(_ row: LedgerRow) async throws {
        try await settlementRounds.settle(row, in: self)
    }

    /// One round of a group commit: settlements in one statement, or admissions in one statement that locks the rows
    /// of their keys first (`SELECT … FOR UPDATE`, in the keys' order, so two instances' rounds cannot wait for each
    /// other): every instance's admissions on a key take turns, each reading the sums after the last one committed.
    /// Settlements need no lock: one statement, atomic by itself, replaces reservations by what was used; an
    /// admission's sums, one statement too, see it done or not yet, and not yet they count the reservation, which
    /// bounds what was used.
    func round(settlements: [LedgerRow], admissions: [Admission]) async -> RoundOutcome {
        if reservationsVacuum.due(now: Date().millisecondsSince1970) { vacuumReservationsInTheBackground() }
        let settled: Result<Void, any Error> = settlements.isEmpty ? .success(()) : await Self.result { try await write(settlements) }
        let decided: Result<[AdmissionDecision], any Error> = admissions.isEmpty ? .success([]) : await Self.result { try await decide(admissions) }
        return RoundOutcome(settled: settled, decided: decided)
    }

    private func vacuumReservationsInTheBackground() {
        Task {
            do {
                try await vacuumReservations()
            } catch {
                logger.debug("vacuum of reservations failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Vacuums the reservations table, or skips it while another instance does (a statement of its own: PostgreSQL
    /// refuses `VACUUM` inside a transaction).
    func vacuumReservations() async throws {
        try await client.query("VACUUM (SKIP_LOCKED) reservations", logger: logger)
    }

    /// What `body` returns, or the error it throws.
    private static func result<T>(of body: () async throws -> T) async -> Result<T, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// The admissions of a round, in one statement (``PostgresAdmitRound``), each decided again here from the numbers
    /// the database decided on: a disagreement is an error rather than a decision.
    private func decide(_ admissions: [Admission]) async throws -> [AdmissionDecision] {
        let now = KeyUsage.roundTime(admissions)
        let round = PostgresAdmitRound(admissions: admissions, now: now, sweep: sweep.due(now: now))
        let outcomes = try await client.withConnection { connection in
            var outcomes: [PostgresAdmitRound.Outcome] = []
            for try await outcome in try await connection.execute(round, logger: self.logger) { outcomes.append(outcome) }
            return outcomes
        }
        do {
            return try round.decisions(from: outcomes)
        } catch {
            // The statement has committed the reservations of what the database admitted, and none of those requests
            // goes upstream: give them back rather than hold the key's limits until they expire.
            let admitted = outcomes.filter(\.admitted).map(\.index).filter(admissions.indices.contains).map { admissions[$0].requestID }
            do {
                try await client.query("DELETE FROM reservations WHERE request_id = ANY(\(admitted))", logger: logger)
            } catch {
                logger.warning("reservations of a failed round not given back", metadata: ["error": "\(String(reflecting: error))"])
            }
            throw error
        }
    }

    /// A round's settlements, in one statement (``PostgresRoundStatements/SettleRows``).
    private func write(_ settlements: [LedgerRow]) async throws {
        // A request settled twice in one round is written once (the ledger keeps its first row).
        var seen = Set<String>()
        let rows = settlements.filter { seen.insert($0.requestID).inserted }
        try await client.withConnection { connection in
            // Read to its end, so that an error while it runs is thrown here whatever it returns.
            for try await _ in try await connection.execute(PostgresRoundStatements.SettleRows(rows: rows), logger: self.logger) {}
        }
    }

    public func ledger(_ query: LedgerQuery) async throws -> [LedgerRow] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let key = query.keyID { binds.append(key); conditions.append("key_id = $\(binds.count)") }
        if let alias = query.alias { binds.append(alias); conditions.append("alias = $\(binds.count)") }
        if let since = query.since { binds.append(Int64(since.millisecondsSince1970)); conditions.append("time >= $\(binds.count)") }
        if let until = query.until { binds.append(Int64(until.millisecondsSince1970)); conditions.append("time < $\(binds.count)") }
        binds.append(Int64(max(0, min(query.limit, 100_000))))
        let sql = "SELECT * FROM ledger" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY time DESC, request_id DESC LIMIT $\(binds.count)"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds), Self.ledgerRow)
    }

    public func close() async throws {
        running.cancel()
    }

    // MARK: Rows

    private func rows<T>(_ query: PostgresQuery, _ make: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await client.query(query, logger: logger) { result.append(try make(row.makeRandomAccess())) }
        return result
    }

    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map { Date(millisecondsSince1970: Int($0)) } }

    static func binds(_ key: StoredKey) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(key.id)
        binds.append(key.name)
        binds.append(key.hash)
        binds.append(key.models.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) })
        binds.append(key.rpm.map(Int64.init))
        binds.append(key.tpm.map(Int64.init))
        binds.append(key.budget?.value)
        binds.append(key.budgetPeriod.rawValue)
        binds.append(key.expiresAt.map { Int64($0.millisecondsSince1970) })
        binds.append(Int64(key.createdAt.millisecondsSince1970))
        binds.append(key.revokedAt.map { Int64($0.millisecondsSince1970) })
        return binds
    }

    static func key(_ row: PostgresRandomAccessRow) throws -> StoredKey {
        let models = try row["models"].decode(String?.self).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return StoredKey(
            id: try row["id"].decode(String.self), name: try row["name"].decode(String.self), hash: try row["hash"].decode(String.self),
            models: models, rpm: try row["rpm"].decode(Int?.self), tpm: try row["tpm"].decode(Int?.self),
            budget: try row["budget_picousd"].decode(Int64?.self).map(Picodollars.init),
            budgetPeriod: BudgetPeriod(rawValue: try row["budget_period"].decode(String.self)) ?? .total,
            expiresAt: date(try row["expires_at"].decode(Int64?.self)), createdAt: date(try row["created_at"].decode(Int64.self)) ?? Date(),
            revokedAt: date(try row["revoked_at"].decode(Int64?.self)))
    }

    static func ledgerRow(_ row: PostgresRandomAccessRow) throws -> LedgerRow {
        func int(_ name: String) throws -> Int { try row[name].decode(Int.self) }
        return LedgerRow(
            requestID: try row["request_id"].decode(String.self), time: date(try row["time"].decode(Int64.self)) ?? Date(),
            keyID: try row["key_id"].decode(String?.self), alias: try row["alias"].decode(String?.self),
            provider: try row["provider"].decode(String?.self), model: try row["model"].decode(String?.self),
            format: try row["format"].decode(String.self), streamed: try row["streamed"].decode(Bool.self), status: try int("status"),
            errorKind: try row["error_kind"].decode(String?.self), inputTokens: try int("input_tokens"), outputTokens: try int("output_tokens"),
            cacheReadTokens: try int("cache_read_tokens"), cacheWriteTokens: try int("cache_write_tokens"),
            reasoningTokens: try int("reasoning_tokens"), cost: Picodollars(try row["cost_picousd"].decode(Int64.self)),
            latencyMilliseconds: try int("latency_ms"), timeToFirstTokenMilliseconds: try row["ttft_ms"].decode(Int?.self))
    }
}
