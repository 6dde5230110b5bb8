import Foundation
import LLMGateway
import Testing

/// The stores where keys, limits and the ledger live. ONE behavioural suite for every store: each test runs on each.
@Suite struct GatewayStoreTests {
    /// A store to test on, made fresh for each test.
    struct Subject: Sendable, CustomTestStringConvertible {
        var name: String
        var open: @Sendable () async throws -> (any GatewayStore, reopen: @Sendable () async throws -> any GatewayStore)

        var testDescription: String { name }

        static let sqlite = Subject(name: "sqlite") {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
            return (try await SQLiteGatewayStore.open(path: path), { try await SQLiteGatewayStore.open(path: path) })
        }

        /// A schema of its own in the test database that scripts/postgres.sh starts.
        static let postgres = Subject(name: "postgres") {
            let url = try #require(PostgresTestDatabase.url, "run scripts/test.sh: it starts PostgreSQL")
            let schema = PostgresTestDatabase.newSchema()
            return (try await PostgresGatewayStore.open(url: url, schema: schema), { try await PostgresGatewayStore.open(url: url, schema: schema) })
        }

        /// Every store; PostgreSQL where scripts/test.sh has started it (the end-to-end phase fails if it has not).
        static let all: [Subject] = PostgresTestDatabase.url == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static let dollar = Picodollars(dollars: 1)

    /// A fresh store of `subject` that holds `key`.
    func open(_ subject: Subject, holding key: StoredKey) async throws -> any GatewayStore {
        let (store, _) = try await subject.open()
        try await store.insertKey(key)
        return store
    }

    func key(_ id: String = GatewayKeySecret.newID(), rpm: Int? = nil, tpm: Int? = nil, budget: Picodollars? = nil) -> StoredKey {
        StoredKey(id: id, name: "test", hash: GatewayKeySecret.hash(GatewayKeySecret.generate()), rpm: rpm, tpm: tpm, budget: budget, createdAt: Date())
    }

    func row(_ requestID: String, key: String?, time: Date = Date(), cost: Picodollars = .zero, tokens: (Int, Int) = (0, 0), alias: String = "m") -> LedgerRow {
        LedgerRow(
            requestID: requestID, time: time, keyID: key, alias: alias, provider: "openai", model: "up", format: "openai-chat", streamed: false,
            status: 200, errorKind: nil, inputTokens: tokens.0, outputTokens: tokens.1, cacheReadTokens: 0, cacheWriteTokens: 0,
            reasoningTokens: 0, cost: cost, latencyMilliseconds: 12, timeToFirstTokenMilliseconds: nil)
    }

    @Test(arguments: Subject.all)
    func keysAreStoredReadAndUpdatedAsGiven(_ subject: Subject) async throws {
        let (store, reopen) = try await subject.open()
        var stored = key(budget: Self.dollar)
        stored.name = "o'brien\"; DROP TABLE keys; --"
        stored.models = ["smol", "claude"]
        stored.expiresAt = Date(timeIntervalSince1970: 2_000_000_000)
        try await store.insertKey(stored)

        #expect(try await store.key(id: stored.id)?.name == stored.name)
        #expect(try await store.key(hash: stored.hash)?.id == stored.id)
        #expect(try await store.key(hash: GatewayKeySecret.hash("llmgw-other")) == nil)
        var revoked = try #require(try await store.key(id: stored.id))
        #expect(revoked.models == ["smol", "claude"])
        #expect(revoked.budget == Self.dollar)
        let stale = revoked
        revoked.revokedAt = Date()
        try await store.updateKey(revoked)
        // An update from a copy read before the revocation (another instance's PATCH) does not undo it.
        var patched = stale
        patched.rpm = 5
        try await store.updateKey(patched)
        #expect(try await store.key(id: stored.id)?.revokedAt != nil)
        #expect(try await store.key(id: stored.id)?.rpm == 5)
        try await store.close()

        // Another connection (another instance) sees the same, and migrating again changes nothing.
        let again = try await reopen()
        #expect(try await again.keys().map(\.id) == [stored.id])
        #expect(try await again.key(id: stored.id)?.revokedAt != nil)
        try await again.close()
    }

    /// 50 requests race for a $1 budget, each reserving $0.30: three fit, whatever the interleaving.
    @Test(arguments: Subject.all)
    func concurrentRequestsCannotOverrunABudget(_ subject: Subject) async throws {
        let (store, reopen) = try await subject.open()
        let second = try await reopen()  // a second instance on the same store
        let key = key(budget: Self.dollar)
        try await store.insertKey(key)
        let reservation = Picodollars(dollars: Decimal(string: "0.30")!)

        let admitted = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let decision = try await (index % 2 == 0 ? store : second).admit(Admission(requestID: "r\(index)", key: key, tokens: 10, cost: reservation))
                    return decision == .admitted ? "r\(index)" : nil
                }
            }
            return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
        }

        #expect(admitted.count == 3, "\(admitted)")
        // Each settles at $0.25: $0.75 spent, so one more at $0.30 does not fit and one at $0.25 does.
        for id in admitted { try await second.settle(row(id, key: key.id, cost: Picodollars(dollars: Decimal(string: "0.25")!))) }
        #expect(try await store.spending(ofKey: key.id, since: .distantPast) == Spending(requests: 3, tokens: 0, cost: Picodollars(dollars: Decimal(string: "0.75")!)))
        #expect(try await store.admit(Admission(requestID: "late", key: key, tokens: 1, cost: reservation)) != .admitted)
        #expect(try await store.admit(Admission(requestID: "fits", key: key, tokens: 1, cost: Picodollars(dollars: Decimal(string: "0.25")!))) == .admitted)
        try await store.close()
        try await second.close()
    }

    @Test(arguments: Subject.all)
    func spendingAndReservationsTogetherBoundTheBudget(_ subject: Subject) async throws {
        let key = key(budget: Self.dollar)
        let store = try await open(subject, holding: key)
        let quarter = Picodollars(dollars: Decimal(string: "0.25")!)
        let third = Picodollars(dollars: Decimal(string: "0.30")!)

        for index in 0..<3 {
            #expect(try await store.admit(Admission(requestID: "r\(index)", key: key, tokens: 1, cost: third)) == .admitted)
            try await store.settle(row("r\(index)", key: key.id, cost: quarter))
        }

        guard case .budgetExhausted = try await store.admit(Admission(requestID: "r3", key: key, tokens: 1, cost: third)) else {
            Issue.record("$0.75 spent and $0.30 more passes $1")
            return
        }
        #expect(try await store.admit(Admission(requestID: "r4", key: key, tokens: 1, cost: quarter)) == .admitted)
        guard case .budgetExhausted = try await store.admit(Admission(requestID: "r5", key: key, tokens: 1, cost: Picodollars(1))) else {
            Issue.record("the reservation of r4 counts until it settles")
            return
        }
        try await store.close()
    }

    /// 120 admissions on four keys race on two instances while another key's requests settle: they go in a few rounds
    /// of many, and each key still admits exactly what its limit leaves.
    @Test(arguments: Subject.all)
    func roundsOfManyKeysHoldEachKeysLimit(_ subject: Subject) async throws {
        let (store, reopen) = try await subject.open()
        let second = try await reopen()
        let keys = (0..<4).map { _ in key(rpm: 7) }
        let unlimited = key()
        for key in keys + [unlimited] { try await store.insertKey(key) }
        for key in keys {
            for index in 0..<3 { try await store.settle(row("earlier-\(key.id)-\(index)", key: key.id)) }
        }
        let admitted = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for index in 0..<120 {
                let key = keys[index % keys.count]
                group.addTask {
                    let instance = index % 3 == 0 ? second : store
                    // Settlements of another key ride in the same rounds.
                    if index % 5 == 0 { try await instance.settle(self.row("other\(index)", key: unlimited.id)) }
                    let decision = try await instance.admit(Admission(requestID: "r\(index)", key: key, tokens: 1, cost: .zero))
                    return (key.id, decision == .admitted)
                }
            }
            return try await group.reduce(into: [String: Int]()) { if $1.1 { $0[$1.0, default: 0] += 1 } }
        }
        // Each key: 3 settled rows of earlier requests count in its minute, so 4 of the 30 asking fit under 7.
        for key in keys { #expect(admitted[key.id] == 4, "\(admitted)") }
        try await store.close()
        try await second.close()
    }

    /// Ledger rows that arrive together (one round): rows with costs on one key add up in its spend once each, a request
    /// settled twice counts once, and rows without a key are kept without counting for anyone.
    @Test(arguments: Subject.all)
    func settlementsThatArriveTogetherCountOnceEach(_ subject: Subject) async throws {
        let key = key(budget: Picodollars(dollars: Decimal(string: "0.25")!))
        let store = try await open(subject, holding: key)
        let cent = Picodollars(dollars: Decimal(string: "0.01")!)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { try await store.settle(self.row("r\(index)", key: key.id, cost: cent, tokens: (1, 2))) }
                if index % 5 == 0 {
                    // The same request again, and a request with no key.
                    group.addTask { try await store.settle(self.row("r\(index)", key: key.id, cost: cent, tokens: (1, 2))) }
                    group.addTask { try await store.settle(self.row("anonymous\(index)", key: nil, cost: cent)) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.spending(ofKey: key.id, since: .distantPast) == Spending(requests: 20, tokens: 60, cost: Picodollars(dollars: Decimal(string: "0.20")!)))
        #expect(try await store.ledger(LedgerQuery(limit: 1000)).count == 24)
        // $0.20 spent of $0.25: $0.06 more does not fit, $0.05 does.
        guard case .budgetExhausted = try await store.admit(Admission(requestID: "big", key: key, tokens: 1, cost: Picodollars(dollars: Decimal(string: "0.06")!))) else {
            Issue.record("$0.20 spent and $0.06 more passes $0.25")
            return
        }
        #expect(try await store.admit(Admission(requestID: "small", key: key, tokens: 1, cost: Picodollars(dollars: Decimal(string: "0.05")!))) == .admitted)
        try await store.close()
    }

    /// A request whose task is cancelled (its client left, the gateway shuts down) still leaves its ledger row.
    @Test(arguments: Subject.all)
    func aSettlementFromACancelledTaskIsStillWritten(_ subject: Subject) async throws {
        let key = key()
        let store = try await open(subject, holding: key)
        let settling = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.settle(self.row("cancelled", key: key.id))
        }
        try await settling.value
        #expect(try await store.ledger(LedgerQuery(keyID: key.id)).map(\.requestID) == ["cancelled"])
        try await store.close()
    }

    /// A daily budget counts today's spend only (UTC days); a monthly one, this month's.
    @Test(arguments: Subject.all)
    func aPeriodBudgetCountsItsPeriodOnly(_ subject: Subject) async throws {
        let (store, _) = try await subject.open()
        var daily = key(budget: Self.dollar)
        daily.budgetPeriod = .daily
        var monthly = key(budget: Self.dollar)
        monthly.budgetPeriod = .monthly
        try await store.insertKey(daily)
        try await store.insertKey(monthly)
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
        let ninety = Picodollars(dollars: Decimal(string: "0.90")!)
        for key in [daily, monthly] {
            try await store.settle(row("\(key.id)-today", key: key.id, time: now - 3600, cost: ninety))
            try await store.settle(row("\(key.id)-last-month", key: key.id, time: now - 40 * 86_400, cost: ninety))
        }
        try await store.settle(row("\(daily.id)-yesterday", key: daily.id, time: now - 86_400, cost: ninety))

        for key in [daily, monthly] {
            #expect(try await store.admit(Admission(requestID: "\(key.id)-small", key: key, tokens: 1, cost: Picodollars(dollars: Decimal(string: "0.05")!), now: now)) == .admitted)
            let large = try await store.admit(Admission(requestID: "\(key.id)-large", key: key, tokens: 1, cost: Picodollars(dollars: Decimal(string: "0.10")!), now: now))
            guard case .budgetExhausted = large else {
                Issue.record("\(key.budgetPeriod): $0.90 spent this period and $0.05 reserved leave no room for $0.10: \(large)")
                continue
            }
        }
        try await store.close()
    }

    @Test(arguments: Subject.all)
    func requestsAndTokensPerMinuteHold(_ subject: Subject) async throws {
        let (store, _) = try await subject.open()
        let limited = key(rpm: 5)
        let tokens = key(tpm: 1000)
        try await store.insertKey(limited)
        try await store.insertKey(tokens)
        let start = Date()

        var decisions: [AdmissionDecision] = []
        for index in 0..<8 {
            decisions.append(try await store.admit(Admission(requestID: "a\(index)", key: limited, tokens: 1, cost: .zero, now: start)))
        }
        #expect(decisions.prefix(5).allSatisfy { $0 == .admitted })
        for decision in decisions.dropFirst(5) {
            guard case .rateLimited(let retryAfter, _) = decision else {
                Issue.record("expected a rate limit, got \(decision)")
                continue
            }
            #expect(retryAfter > 0 && retryAfter <= 60)
        }
        // A minute later the window is empty again.
        #expect(try await store.admit(Admission(requestID: "a9", key: limited, tokens: 1, cost: .zero, now: start + 61)) == .admitted)

        #expect(try await store.admit(Admission(requestID: "t1", key: tokens, tokens: 400, cost: .zero, now: start)) == .admitted)
        try await store.settle(row("t1", key: tokens.id, time: start, tokens: (100, 300)))
        #expect(try await store.admit(Admission(requestID: "t2", key: tokens, tokens: 400, cost: .zero, now: start)) == .admitted)
        guard case .rateLimited = try await store.admit(Admission(requestID: "t3", key: tokens, tokens: 400, cost: .zero, now: start)) else {
            Issue.record("400 settled, 400 reserved and 400 more pass 1000 a minute")
            return
        }
        // A request larger than the whole limit never fits: not a rate limit to wait out.
        let tooLarge = try await store.admit(Admission(requestID: "t4", key: tokens, tokens: 2000, cost: .zero, now: start + 120))
        if case .tooLarge(let reason) = tooLarge {
            #expect(reason.contains("lower max_tokens"))
        } else {
            Issue.record("expected tooLarge, got \(tooLarge)")
        }
        try await store.close()
    }

    /// The reservation of an instance that died (never settled) expires, and the budget it held comes back.
    @Test(arguments: Subject.all)
    func aReservationNobodySettlesExpires(_ subject: Subject) async throws {
        let key = key(budget: Self.dollar)
        let store = try await open(subject, holding: key)
        let start = Date()

        #expect(try await store.admit(Admission(requestID: "dead", key: key, tokens: 1, cost: Self.dollar, now: start, holdFor: 30)) == .admitted)
        guard case .budgetExhausted = try await store.admit(Admission(requestID: "r1", key: key, tokens: 1, cost: Picodollars(1), now: start + 10)) else {
            Issue.record("the reservation still holds")
            return
        }
        #expect(try await store.admit(Admission(requestID: "r2", key: key, tokens: 1, cost: Picodollars(1), now: start + 31)) == .admitted)
        try await store.close()
    }

    /// Rows settled together (PostgreSQL sends a round's rows as one array a column, NULLs among them) read back as
    /// written, each field in its place.
    @Test(arguments: Subject.all)
    func rowsSettledTogetherReadBackFieldByField(_ subject: Subject) async throws {
        let key = key()
        let store = try await open(subject, holding: key)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var full = row("full", key: key.id, time: start, cost: Picodollars(1_234), tokens: (11, 22), alias: "a")
        (full.streamed, full.status, full.errorKind, full.timeToFirstTokenMilliseconds) = (true, 502, "server", 7)
        (full.cacheReadTokens, full.cacheWriteTokens, full.reasoningTokens, full.latencyMilliseconds) = (3, 4, 5, 99)
        var bare = row("bare", key: nil, time: start + 1)
        (bare.alias, bare.provider, bare.model, bare.format) = (nil, nil, nil, "ollama-chat")
        var quoted = row("quoted", key: key.id, time: start + 2, alias: "o'brien\"{},NULL")
        quoted.errorKind = ""
        let rows = [full, bare, quoted]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for row in rows { group.addTask { try await store.settle(row) } }
            try await group.waitForAll()
        }
        #expect(try await store.ledger(LedgerQuery()) == rows.reversed())
        try await store.close()
    }

    @Test(arguments: Subject.all)
    func theLedgerKeepsOneRowARequestNewestFirst(_ subject: Subject) async throws {
        let key = key()
        let store = try await open(subject, holding: key)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<5 {
            try await store.settle(row("q\(index)", key: key.id, time: start + Double(index), cost: Picodollars(10), tokens: (3, 4), alias: index % 2 == 0 ? "even" : "odd"))
        }
        try await store.settle(row("q0", key: key.id, time: start + 100, cost: Picodollars(999)))  // settled twice: no change

        let all = try await store.ledger(LedgerQuery())
        #expect(all.map(\.requestID) == ["q4", "q3", "q2", "q1", "q0"])
        #expect(all.last == row("q0", key: key.id, time: start, cost: Picodollars(10), tokens: (3, 4), alias: "even"))
        #expect(try await store.ledger(LedgerQuery(alias: "odd")).map(\.requestID) == ["q3", "q1"])
        #expect(try await store.ledger(LedgerQuery(since: start + 1, until: start + 3)).map(\.requestID) == ["q2", "q1"])
        #expect(try await store.ledger(LedgerQuery(limit: 2)).count == 2)
        #expect(try await store.spending(ofKey: key.id, since: start + 2) == Spending(requests: 3, tokens: 21, cost: Picodollars(30)))
        try await store.close()
    }
}
