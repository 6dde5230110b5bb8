import Foundation
import Hummingbird
import LLM

/// The admin API, for the holder of the master key (`Authorization: Bearer <master key>`):
///
/// - `POST /admin/keys` `{"name", "models", "rpm", "tpm", "budget_usd", "budget_period", "expires_at"}` -> 201 with
///   the key, shown this once
/// - `GET /admin/keys`, `GET /admin/keys/{id}`: settings and use in the budget period (`spent_usd`, `requests`, `tokens`)
/// - `PATCH /admin/keys/{id}` (any setting; `null` clears a limit), `DELETE /admin/keys/{id}` (revoked at once)
/// - `GET /admin/usage?key_id=&alias=&since=&until=&limit=`: ledger rows, newest first
///
/// Errors are `{"error": {"message", "type"}}` with a 4xx; bad input changes nothing.
struct AdminRoutes: Sendable {
    let store: any GatewayStore
    let masterKeyHash: String

    func add(to routes: Router<GatewayRequestContext>) {
        routes.post("/admin/keys") { request, context in await guarded(request, context) { try await create(request) } }
        routes.get("/admin/keys") { request, context in await guarded(request, context) { try await list() } }
        routes.get("/admin/keys/{id}") { request, context in
            await guarded(request, context) { try await show(context.parameters.get("id") ?? "") }
        }
        routes.patch("/admin/keys/{id}") { request, context in
            await guarded(request, context) { try await update(context.parameters.get("id") ?? "", request) }
        }
        routes.delete("/admin/keys/{id}") { request, context in
            await guarded(request, context) { try await revoke(context.parameters.get("id") ?? "") }
        }
        routes.get("/admin/usage") { request, context in await guarded(request, context) { try await usage(request) } }
    }

    /// An admin answer: its status and JSON body.
    struct Answer {
        var status: Int
        var body: JSONValue
    }

    struct Refusal: Error {
        var status: Int
        var message: String
        var type = "invalid_request_error"
    }

    /// Runs `body` if the request carries the master key; a refusal or a store failure becomes an error answer.
    private func guarded(_ request: Request, _ context: GatewayRequestContext, _ body: () async throws -> Answer) async -> Response {
        let requestID = context.record.requestID
        context.record.update { $0.format = "admin" }
        let presented = GatewayAccess.presentedKey(request).map(GatewayKeySecret.hash) ?? ""
        guard GatewayKeySecret.constantTimeEquals(presented, masterKeyHash) else {
            return GatewayHTTP.json(Self.error(Refusal(status: 401, message: "the admin API needs the master key", type: "authentication_error")), status: 401, requestID: requestID)
        }
        do {
            let answer = try await body()
            return GatewayHTTP.json(answer.body, status: answer.status, requestID: requestID)
        } catch let refusal as Refusal {
            return GatewayHTTP.json(Self.error(refusal), status: refusal.status, requestID: requestID)
        } catch {
            return GatewayHTTP.json(Self.error(Refusal(status: 503, message: "the key store cannot be used", type: "server_error")), status: 503, requestID: requestID)
        }
    }

    static func error(_ refusal: Refusal) -> JSONValue {
        ["error": ["message": .string(refusal.message), "type": .string(refusal.type)]]
    }

    // MARK: Keys

    private func create(_ request: Request) async throws -> Answer {
        let body = try await Self.body(of: request)
        guard case .string(let name)? = body["name"], !name.isEmpty, name.count <= 200 else {
            throw Refusal(status: 400, message: "name: a string of 1 to 200 characters is required")
        }
        let secret = GatewayKeySecret.generate()
        var key = StoredKey(id: GatewayKeySecret.newID(), name: name, hash: GatewayKeySecret.hash(secret), createdAt: Date())
        try Self.apply(body, to: &key, creating: true)
        try await store.insertKey(key)
        var view = try await self.view(key)
        view["key"] = .string(secret)
        return Answer(status: 201, body: .object(view))
    }

    private func list() async throws -> Answer {
        var data: [JSONValue] = []
        for key in try await store.keys() { data.append(.object(try await view(key))) }
        return Answer(status: 200, body: ["data": .array(data)])
    }

    private func show(_ id: String) async throws -> Answer {
        Answer(status: 200, body: .object(try await view(try await existing(id))))
    }

    private func update(_ id: String, _ request: Request) async throws -> Answer {
        let body = try await Self.body(of: request)
        var key = try await existing(id)
        if let name = body["name"] {
            guard case .string(let text) = name, !text.isEmpty, text.count <= 200 else { throw Refusal(status: 400, message: "name: a string of 1 to 200 characters") }
            key.name = text
        }
        try Self.apply(body, to: &key, creating: false)
        try await store.updateKey(key)
        return Answer(status: 200, body: .object(try await view(key)))
    }

    private func revoke(_ id: String) async throws -> Answer {
        var key = try await existing(id)
        if key.revokedAt == nil {
            key.revokedAt = Date()
            try await store.updateKey(key)
        }
        return Answer(status: 200, body: .object(try await view(key)))
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
                guard let dollars = budget.doubleValue.flatMap({ Decimal(string: "\($0)") }), dollars >= 0, dollars < 1_000_000_000 else {
                    throw Refusal(status: 400, message: "budget_usd: a number of dollars, not negative, or null")
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

    private func usage(_ request: Request) async throws -> Answer {
        let parameters = request.uri.queryParameters
        var query = LedgerQuery()
        query.keyID = parameters.get("key_id")
        query.alias = parameters.get("alias")
        for (name, path) in [("since", \LedgerQuery.since), ("until", \LedgerQuery.until)] {
            guard let text = parameters.get(name) else { continue }
            guard let date = Self.date(.string(text)) else { throw Refusal(status: 400, message: "\(name): an ISO 8601 time or Unix seconds") }
            query[keyPath: path] = date
        }
        if let text = parameters.get("limit") {
            guard let limit = Int(text), (1...10_000).contains(limit) else { throw Refusal(status: 400, message: "limit: 1 to 10000") }
            query.limit = limit
        }
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
        return Answer(status: 200, body: ["data": .array(rows)])
    }

    // MARK: Values

    static func body(of request: Request) async throws -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try await GatewayHTTP.json(of: request, limit: 64 * 1024)
        } catch {
            throw Refusal(status: error.httpStatus ?? 400, message: error.details?.message ?? "the body is not valid JSON")
        }
        guard case .object(let object) = value else { throw Refusal(status: 400, message: "the body must be a JSON object") }
        return object
    }

    /// Dollars as a JSON number (exact to the picodollar in its text).
    static func dollars(_ amount: Picodollars) -> JSONValue {
        .double(NSDecimalNumber(decimal: amount.dollars).doubleValue)
    }

    static func date(_ value: JSONValue) -> Date? {
        if let seconds = value.doubleValue { return Date(timeIntervalSince1970: seconds) }
        guard let text = value.stringValue else { return nil }
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func iso8601(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
