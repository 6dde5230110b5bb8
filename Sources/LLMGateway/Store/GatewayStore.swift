import Foundation

/// Where client keys, their limits, the reservations of requests in flight and the usage ledger live: one store shared
/// by every gateway instance that names it, so that limits and budgets hold across them.
///
/// ``admit(_:)`` and ``settle(_:)`` are each one transaction: a budget or a limit cannot be overrun however many
/// requests and instances race, because a request is admitted only with its largest possible cost and token count
/// reserved, and its ledger row replaces its reservation atomically when it ends.
public protocol GatewayStore: Sendable {
    /// Creates or upgrades the schema (versioned migrations; applying them twice changes nothing).
    func migrate() async throws

    /// Throws if the store cannot be reached now (for `GET /ready`).
    func ping() async throws

    func insertKey(_ key: StoredKey) async throws
    func keys() async throws -> [StoredKey]
    func key(id: String) async throws -> StoredKey?
    func key(hash: String) async throws -> StoredKey?
    /// Replaces a key's settings (limits, budget, models, expiry, revocation). A revocation is never undone: an update
    /// made from a copy read before a concurrent revocation keeps the key revoked.
    func updateKey(_ key: StoredKey) async throws

    /// What a key has used: requests, tokens and cost in its budget period so far, from the ledger.
    func spending(ofKey id: String, since: Date) async throws -> Spending

    /// Checks a request against its key's limits and budget and, if it fits, reserves its largest possible tokens and
    /// cost, all in one transaction. Reservations past their expiry (of an instance that died) are dropped first.
    func admit(_ admission: Admission) async throws -> AdmissionDecision

    /// Replaces the request's reservation by its ledger row, in one transaction; a second settlement of the same
    /// request id changes nothing.
    func settle(_ row: LedgerRow) async throws

    /// Ledger rows, newest first.
    func ledger(_ query: LedgerQuery) async throws -> [LedgerRow]

    func close() async throws
}

/// A client key as stored: its settings and the hash of its secret (never the secret).
public struct StoredKey: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// SHA-256 of the key, hex.
    public var hash: String
    /// The aliases it may use; nil for all.
    public var models: [String]?
    public var rpm: Int?
    public var tpm: Int?
    public var budget: Picodollars?
    public var budgetPeriod: BudgetPeriod
    public var expiresAt: Date?
    public var createdAt: Date
    public var revokedAt: Date?

    public init(
        id: String, name: String, hash: String, models: [String]? = nil, rpm: Int? = nil, tpm: Int? = nil, budget: Picodollars? = nil,
        budgetPeriod: BudgetPeriod = .total, expiresAt: Date? = nil, createdAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.hash = hash
        self.models = models
        self.rpm = rpm
        self.tpm = tpm
        self.budget = budget
        self.budgetPeriod = budgetPeriod
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// The span a budget covers: all time, or the current UTC day or month.
public enum BudgetPeriod: String, Sendable, Codable, CaseIterable {
    case total, daily, monthly

    /// UTC days and months; made once (every admission asks, and a calendar is costly to make).
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// When the period that holds `now` began.
    public func start(containing now: Date) -> Date {
        let calendar = Self.calendar
        switch self {
        case .total: return Date(timeIntervalSince1970: 0)
        case .daily: return calendar.startOfDay(for: now)
        case .monthly: return calendar.date(from: calendar.dateComponents([.year, .month], from: now)) ?? now
        }
    }
}

/// What a key has used since a time.
public struct Spending: Sendable, Equatable {
    public var requests: Int
    public var tokens: Int
    public var cost: Picodollars

    public init(requests: Int, tokens: Int, cost: Picodollars) {
        self.requests = requests
        self.tokens = tokens
        self.cost = cost
    }
}

/// A request asking to go upstream on a key.
public struct Admission: Sendable {
    public var requestID: String
    public var key: StoredKey
    /// The most tokens it can use: its input, estimated, and its output limit.
    public var tokens: Int
    /// The most it can cost.
    public var cost: Picodollars
    public var now: Date
    /// How long the reservation holds if nobody settles it (an instance that died).
    public var holdFor: TimeInterval

    public init(requestID: String, key: StoredKey, tokens: Int, cost: Picodollars, now: Date = Date(), holdFor: TimeInterval = 600) {
        self.requestID = requestID
        self.key = key
        self.tokens = tokens
        self.cost = cost
        self.now = now
        self.holdFor = holdFor
    }
}

/// Whether a request may go upstream.
public enum AdmissionDecision: Sendable, Equatable {
    case admitted
    /// The key's requests or tokens per minute are used up; try again after the delay.
    case rateLimited(retryAfter: TimeInterval, reason: String)
    /// The key's budget cannot cover the request's largest possible cost.
    case budgetExhausted(reason: String)
    /// The request can never fit the key's limits (more tokens than its whole minute): no retry helps.
    case tooLarge(reason: String)
}

/// One finished request, as the ledger keeps it.
public struct LedgerRow: Sendable, Equatable, Codable {
    public var requestID: String
    /// When the request was admitted.
    public var time: Date
    public var keyID: String?
    public var alias: String?
    public var provider: String?
    public var model: String?
    public var format: String
    public var streamed: Bool
    public var status: Int
    public var errorKind: String?
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadTokens: Int
    public var cacheWriteTokens: Int
    public var reasoningTokens: Int
    public var cost: Picodollars
    public var latencyMilliseconds: Int
    public var timeToFirstTokenMilliseconds: Int?

    public init(
        requestID: String, time: Date, keyID: String?, alias: String?, provider: String?, model: String?, format: String, streamed: Bool,
        status: Int, errorKind: String?, inputTokens: Int, outputTokens: Int, cacheReadTokens: Int, cacheWriteTokens: Int, reasoningTokens: Int,
        cost: Picodollars, latencyMilliseconds: Int, timeToFirstTokenMilliseconds: Int?
    ) {
        self.requestID = requestID
        self.time = time
        self.keyID = keyID
        self.alias = alias
        self.provider = provider
        self.model = model
        self.format = format
        self.streamed = streamed
        self.status = status
        self.errorKind = errorKind
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.reasoningTokens = reasoningTokens
        self.cost = cost
        self.latencyMilliseconds = latencyMilliseconds
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
    }
}

/// Which ledger rows to read.
public struct LedgerQuery: Sendable {
    public var keyID: String?
    public var alias: String?
    public var since: Date?
    public var until: Date?
    public var limit: Int

    public init(keyID: String? = nil, alias: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 100) {
        self.keyID = keyID
        self.alias = alias
        self.since = since
        self.until = until
        self.limit = limit
    }
}
