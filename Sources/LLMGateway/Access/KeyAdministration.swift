import Foundation
import LLM

/// Keys and usage, administered: what the admin API (``AdminRoutes``) and `llm-gateway keys` / `usage` both do, so
/// the two check settings the same way. Answers are JSON; a ``Refusal`` says what is wrong and changes nothing.
public struct KeyAdministration: Sendable {
    public let store: any GatewayStore

    public init(store: any GatewayStore) {
        self.store = store
    }

    /// Bad input (a 4xx in the admin API, an error message on the command line).
    public struct Refusal: Error, CustomStringConvertible {
        public var status: Int
        public var message: String
        public var type = "invalid_request_error"

        public var description: String { message }
    }


    /// A new key from its settings (`name` required); the answer holds the secret, shown this once.
    public func create(_ body: [String: JSONValue]) async throws -> JSONValue {
        guard case .string(let name)? = body["name"], !name.isEmpty, name.count <= 200 else {
            throw Refusal(status: 400, message: "name: a string of 1 to 200 characters is required")
        }
        let secret = GatewayKeySecret.generate()
        var key = StoredKey(id: GatewayKeySecret.newID(), name: name, hash: GatewayKeySecret.hash(secret), createdAt: Date())
        try Self.apply(body, to: &key, creating: true)
        try await store.insertKey(key)
        var view = try await self.view(key)
        view["key"] = .string(secret)
        return .object(view)
    }

    /// Every key, with its use in its budget period.
    public func list() async throws -> JSONValue {
        var data: [JSONValue] = []
        for key in try await store.keys() { data.append(.object(try await view(key))) }
        return ["data": .array(data)]
    }

    public func show(_ id: String) async throws -> JSONValue {
        .object(try await view(try await existing(id)))
    }

    /// Changes the settings `body` names (`null` clears a limit); a bad one changes nothing.
    public func update(_ id: String, _ body: [String: JSONValue]) async throws -> JSONValue {
        var key = try await existing(id)
        if let name = body["name"] {
            guard case .string(let text) = name, !text.isEmpty, text.count <= 200 else { throw Refusal(status: 400, message: "name: a string of 1 to 200 characters") }
            key.name = text
        }
        try Self.apply(body, to: &key, creating: false)
        try await store.updateKey(key)
        return .object(try await view(key))
    }

    /// Revokes the key at once (every instance reads keys from the store at each request).
    public func revoke(_ id: String) async throws -> JSONValue {
        var key = try await existing(id)
        if key.revokedAt == nil {
            key.revokedAt = Date()
            try await store.updateKey(key)
        }
        return .object(try await view(key))
    }

    private func existing(_ id: String) async throws -> StoredKey {
        guard let key = try await store.key(id: id) else { throw Refusal(status: 404, message: "no key \(id)", type: "not_found_error") }
        return key
    }

    /// The settings in `body` on `key`; all checked before any is set, so a bad one changes nothing.
    static func apply(_ body: [String: JSONValue], to key: inout StoredKey, creating: Bool) throws {
        var updated = key
        if let models = body["models"] {
            switch models {
            case .null: updated.models = nil
            case .array(let list):
                let names = list.compactMap(\.stringValue)
                guard names.count == list.count, !names.contains("") else { throw Refusal(status: 400, message: "models: an array of alias names") }
                updated.models = names
            default: throw Refusal(status: 400, message: "models: an array of alias names, or null for all")
            }
        }
        for (member, path) in [("rpm", \StoredKey.rpm), ("tpm", \StoredKey.tpm)] {
            guard let value = body[member] else { continue }
            if value == .null { updated[keyPath: path] = nil; continue }
            guard let number = value.intValue, number >= 1 else { throw Refusal(status: 400, message: "\(member): a whole number of at least 1, or null") }
            updated[keyPath: path] = number
        }
        if let budget = body["budget_usd"] {
            if budget == .null {
                updated.budget = nil
            } else {
                // Picodollars in 64 bits hold up to about $9.2 million.
                guard let dollars = budget.doubleValue.flatMap({ Decimal(string: "\($0)") }), dollars >= 0, dollars <= 9_000_000 else {
                    throw Refusal(status: 400, message: "budget_usd: a number of dollars from 0 to 9,000,000, or null")
                }
                updated.budget = Picodollars(dollars: dollars)
            }
        }
        if let period = body["budget_period"] {
            guard let name = period.stringValue, let value = BudgetPeriod(rawValue: name) else {
                throw Refusal(status: 400, message: "budget_period: total, daily or monthly")
            }
            updated.budgetPeriod = value
        }
        if let expiry = body["expires_at"] {
            if expiry == .null {
                updated.expiresAt = nil
            } else {
                guard let date = Self.date(expiry) else { throw Refusal(status: 400, message: "expires_at: an ISO 8601 time or Unix seconds, or null") }
                updated.expiresAt = date
            }
        }
        let known: Set<String> = ["name", "models", "rpm", "tpm", "budget_usd", "budget_period", "expires_at"]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw Refusal(status: 400, message: "\(unknown): not a key setting (\(known.sorted().joined(separator: ", ")))")
        }
        key = updated
    }

    /// A key as the admin API shows it (never its secret or hash), with its use in the current budget period.
    private func view(_ key: StoredKey) async throws -> [String: JSONValue] {
        let spending = try await store.spending(ofKey: key.id, since: key.budgetPeriod.start(containing: Date()))
        return [
            "id": .string(key.id), "name": .string(key.name), "models": key.models.map { .array($0.map(JSONValue.string)) } ?? .null,
            "rpm": key.rpm.map(JSONValue.int) ?? .null, "tpm": key.tpm.map(JSONValue.int) ?? .null,
            "budget_usd": key.budget.map { Self.dollars($0) } ?? .null, "budget_period": .string(key.budgetPeriod.rawValue),
            "expires_at": key.expiresAt.map { .string(Self.iso8601($0)) } ?? .null, "created_at": .string(Self.iso8601(key.createdAt)),
            "revoked": .bool(key.revokedAt != nil), "spent_usd": Self.dollars(spending.cost), "requests": .int(spending.requests),
            "tokens": .int(spending.tokens),
        ]
    }

    // MARK: Usage

    /// The ledger query of the usage filters, as text (times in ISO 8601 or Unix seconds).
    public static func query(keyID: String?, alias: String?, since: String?, until: String?, limit: String?) throws -> LedgerQuery {
        var query = LedgerQuery()
        query.keyID = keyID
        query.alias = alias
        for (name, text, path) in [("since", since, \LedgerQuery.since), ("until", until, \LedgerQuery.until)] {
            guard let text else { continue }
            guard let date = Self.date(.string(text)) else { throw Refusal(status: 400, message: "\(name): an ISO 8601 time or Unix seconds") }
            query[keyPath: path] = date
        }
        if let limit {
            guard let number = Int(limit), (1...100_000).contains(number) else { throw Refusal(status: 400, message: "limit: 1 to 100000") }
            query.limit = number
        }
        return query
    }

    /// Ledger rows, newest first.
    public func usage(_ query: LedgerQuery) async throws -> JSONValue {
        let rows = try await store.ledger(query).map { row -> JSONValue in
            [
                "request_id": .string(row.requestID), "time": .string(Self.iso8601(row.time)), "key_id": row.keyID.map(JSONValue.string) ?? .null,
                "alias": row.alias.map(JSONValue.string) ?? .null, "provider": row.provider.map(JSONValue.string) ?? .null,
                "model": row.model.map(JSONValue.string) ?? .null, "format": .string(row.format), "stream": .bool(row.streamed),
                "status": .int(row.status), "error": row.errorKind.map(JSONValue.string) ?? .null, "input_tokens": .int(row.inputTokens),
                "output_tokens": .int(row.outputTokens), "cache_read_tokens": .int(row.cacheReadTokens),
                "cache_write_tokens": .int(row.cacheWriteTokens), "reasoning_tokens": .int(row.reasoningTokens),
                "cost_usd": Self.dollars(row.cost), "latency_ms": .int(row.latencyMilliseconds),
                "ttft_ms": row.timeToFirstTokenMilliseconds.map(JSONValue.int) ?? .null,
            ]
        }
        return ["data": .array(rows)]
    }

    /// What is grouping usage: a key, an alias or an upstream model.
    public enum Grouping: String, CaseIterable, Sendable {
        case key, alias, model
    }

    /// The ledger rows `query` selects, summed by `grouping`: requests, tokens and cost, dearest first.
    public func usage(_ query: LedgerQuery, by grouping: Grouping) async throws -> JSONValue {
        var totals: [String: (requests: Int, input: Int, output: Int, cost: Picodollars)] = [:]
        for row in try await store.ledger(query) {
            let group = switch grouping {
            case .key: row.keyID ?? "anonymous"
            case .alias: row.alias ?? "none"
            case .model: row.model ?? "none"
            }
            var total = totals[group] ?? (0, 0, 0, .zero)
            total.requests += 1
            total.input += row.inputTokens
            total.output += row.outputTokens
            total.cost = total.cost + row.cost
            totals[group] = total
        }
        let rows = totals.sorted { ($0.value.cost, $1.key) > ($1.value.cost, $0.key) }.map { group, total -> JSONValue in
            [
                .init(stringLiteral: grouping.rawValue): .string(group), "requests": .int(total.requests), "input_tokens": .int(total.input),
                "output_tokens": .int(total.output), "cost_usd": Self.dollars(total.cost),
            ]
        }
        return ["data": .array(rows)]
    }

    // MARK: Values

    /// Dollars as a JSON number (exact to the picodollar in its text).
    static func dollars(_ amount: Picodollars) -> JSONValue {
        .double(NSDecimalNumber(decimal: amount.dollars).doubleValue)
    }

    static func date(_ value: JSONValue) -> Date? {
        if let seconds = value.doubleValue { return Date(timeIntervalSince1970: seconds) }
        guard let text = value.stringValue else { return nil }
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    /// ISO 8601 in UTC. Foundation's format style is written in Swift; `ISO8601DateFormatter` went through ICU, whose
    /// pages it brought into memory (about 4 MB resident from the first key the admin API showed).
    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
