import Foundation
import HTTPTypes
import Hummingbird
import LLM
import Logging

/// Who may use the gateway and how much: client keys (checked against the store), the aliases a key may use, its
/// limits and budget (a reservation before the upstream call), and the ledger row each admitted request leaves.
///
/// Without a store there are no keys: every request is anonymous and nothing is recorded. With one, a request
/// carrying a gateway key (`llmgw-…`) is held to that key; a request without one is refused unless
/// `allow_anonymous` is true (SDKs that insist on some key may send any other string then).
struct GatewayAccess: Sendable {
    let store: (any GatewayStore)?
    let allowAnonymous: Bool
    /// How long a reservation holds if nobody settles it.
    var reservationHold: TimeInterval = 600
    /// Keys read in the last second.
    let keys = KeyCache()
    var logger = Logger(label: "llm.gateway.store")

    /// Output tokens reserved for a request on a limited key that names no `max_tokens` and whose alias has no cap.
    static let defaultOutputCap = 4096

    /// The request's key, from the header its SDK sends it in: `Authorization: Bearer` (OpenAI, Ollama),
    /// `x-api-key` (Anthropic), `x-goog-api-key` or `?key=` (Gemini).
    ///
    /// - Throws: `LLMError.authentication` (401): no key where one is needed, or a key that is unknown, revoked
    ///   or expired.
    func authenticate(_ request: Request, now: Date = Date()) async throws(LLMError) -> StoredKey? {
        // The work is done in functions of their own, never inlined, and only a key the cache does not hold is
        // awaited, in a task of its own (the store's read has deep frames): this function's frame stays small and
        // nothing of the read stays in the connection's task (see ``GatewayHTTP/inTaskOfItsOwn(_:)``).
        switch try lookUp(request) {
        case .anonymous: return nil
        case .cached(let key, let hash): return try Self.checked(key, hash: hash, now: now)
        case .unknown(let hash, let store):
            let key = try await GatewayHTTP.inTaskOfItsOwn { [self] () async throws(LLMError) in try await load(hash, from: store) }
            return try Self.checked(key, hash: hash, now: now)
        }
    }

    /// What ``authenticate(_:now:)`` would find, when the store need not be read (no store, no key where none is
    /// needed, or a key the cache holds); nil when it must be read or the key is refused (then `authenticate` says why).
    /// Synchronous, so that most requests' key check allocates no async frame at all.
    func authenticateFromCache(_ request: Request, now: Date = Date()) -> CachedAuthentication? {
        switch try? lookUp(request) {
        case .anonymous: return .anonymous
        case .cached(let key, let hash): return (try? Self.checked(key, hash: hash, now: now)).map(CachedAuthentication.key)
        case .unknown, nil: return nil
        }
    }

    enum CachedAuthentication {
        case anonymous
        case key(StoredKey)
    }

    private enum Lookup {
        case anonymous
        case cached(StoredKey, hash: String)
        case unknown(hash: String, store: any GatewayStore)
    }

    @inline(never)
    private func lookUp(_ request: Request) throws(LLMError) -> Lookup {
        let presented = Self.presentedKey(request)
        guard let store else { return .anonymous }
        guard let presented, presented.hasPrefix(GatewayKeySecret.prefix) else {
            guard allowAnonymous else { throw Self.unauthorized("a gateway key is required") }
            return .anonymous
        }
        let hash = GatewayKeySecret.hash(presented)
        if let key = keys.key(hash: hash) { return .cached(key, hash: hash) }
        return .unknown(hash: hash, store: store)
    }

    @inline(never)
    private func load(_ hash: String, from store: any GatewayStore) async throws(LLMError) -> StoredKey? {
        let key: StoredKey?
        do {
            key = try await store.key(hash: hash)
        } catch {
            throw Self.storeUnavailable("read")
        }
        if let key { keys.store(key) }
        return key
    }

    /// `key` if it is the one presented (its hash `hash`) and it may be used at `now`.
    @inline(never)
    private static func checked(_ key: StoredKey?, hash: String, now: Date) throws(LLMError) -> StoredKey {
        guard let key, GatewayKeySecret.constantTimeEquals(key.hash, hash) else { throw unauthorized("the key is not valid") }
        if key.revokedAt != nil { throw unauthorized("the key was revoked") }
        if let expiry = key.expiresAt, expiry <= now { throw unauthorized("the key has expired") }
        return key
    }

    /// The headers other than `Authorization` that clients put their key in (Anthropic's, Gemini's).
    private static let keyHeaders = ["x-api-key", "x-goog-api-key"].compactMap { HTTPField.Name($0) }

    static func presentedKey(_ request: Request) -> String? {
        if let bearer = request.headers[.authorization], let token = bearerToken(bearer) { return token }
        for field in keyHeaders {
            if let value = request.headers[field], !value.isEmpty { return value }
        }
        return request.uri.queryParameters.get("key")
    }

    /// What follows `Bearer ` (in any case) in an `Authorization` value, without the spaces and tabs around it; nil for
    /// another scheme. Read as UTF-8 bytes, by hand: lowercasing the scheme and trimming with Foundation each showed in
    /// the profile.
    static func bearerToken(_ authorization: String) -> String? {
        var token = authorization.utf8[...]
        for expected in "bearer ".utf8 {
            // ORing 0x20 lowercases an ASCII letter and leaves a space a space.
            guard let byte = token.popFirst(), byte | 0x20 == expected else { return nil }
        }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let first = token.first, isBlank(first) { token.removeFirst() }
        while let last = token.last, isBlank(last) { token.removeLast() }
        return String(Substring(token))
    }

    /// A store that cannot be used is the gateway's trouble, not the upstream's: 503, as every format says it.
    static func storeUnavailable(_ verb: String) -> LLMError {
        .overloaded(retryAfter: .seconds(1), ProviderErrorDetails(provider: "gateway", status: 503, message: "the key store cannot be \(verb)"))
    }

    static func unauthorized(_ message: String) -> LLMError {
        .authentication(ProviderErrorDetails(provider: "gateway", status: 401, message: message))
    }

    /// Lets `request` go upstream on `key`, or says why not. A key with a budget or a token limit has the request's
    /// output capped (the alias's `max_output_tokens`, else 4096), so that what it reserves bounds what it can cost.
    ///
    /// - Throws: `LLMError.permissionDenied` (403) for an alias the key may not use, or an alias with no known price
    ///   on a key with a budget; `LLMError.rateLimited` (429) for a limit (with `Retry-After`) or a spent budget (code
    ///   `insufficient_quota`).
    @inline(never)  // See GatewayHTTP.answer.
    func admitting(_ request: ChatRequest, key: StoredKey?, router: ModelRouter, record: RequestRecord, now: Date = Date()) async throws(LLMError) -> ChatRequest {
        guard store != nil, let key else { return request }
        // Only the reservation is awaited, and the request is not copied before it: see ``reserve(_:input:output:key:record:now:)``.
        let (route, input, output) = try limits(of: request, key: key, router: router)
        try await reserve(route, input: input, output: output ?? 0, key: key, record: record, now: now)
        return Self.capped(request, output: output)
    }

    /// The alias that serves `request` on `key`, the request's estimated input tokens, and its output tokens as
    /// admitted: capped when the key has a budget or a token limit. Never inlined (see ``reserve(_:input:output:key:record:now:)``).
    @inline(never)
    private func limits(of request: ChatRequest, key: StoredKey, router: ModelRouter) throws(LLMError) -> (route: ModelRouter.Route, input: Int, output: Int?) {
        let route = try permit(request.model, key: key, router: router)
        var output = request.maxTokens
        if key.budget != nil || key.tpm != nil {
            let cap = router.outputCaps[route.alias] ?? Self.defaultOutputCap
            output = min(output ?? cap, cap)
        }
        return (route, TokenCount.estimate(request).tokens, output)
    }

    @inline(never)
    private static func capped(_ request: ChatRequest, output: Int?) -> ChatRequest {
        guard request.maxTokens != output else { return request }
        var request = request
        request.maxTokens = output
        return request
    }

    /// Lets an embedding request go upstream on `key`, or says why not (as ``admitting(_:key:router:record:now:)`` does);
    /// it reserves its estimated input tokens.
    func admit(_ request: EmbeddingRequest, key: StoredKey?, router: ModelRouter, record: RequestRecord, now: Date = Date()) async throws(LLMError) {
        guard store != nil, let key else { return }
        let route = try permit(request.model, key: key, router: router)
        try await reserve(route, input: TokenCount.estimate(request).tokens, output: 0, key: key, record: record, now: now)
    }

    /// Reserves `input` and `output` tokens on `key` (and, with a budget, what they cost at the dearest target).
    ///
    /// Only the store's round is awaited here; what comes before and after it are functions of their own, never
    /// inlined, so that their values are not kept in this function's frame (see ``GatewayHTTP/answer``).
    @inline(never)
    private func reserve(
        _ route: ModelRouter.Route, input: Int, output: Int, key: StoredKey, record: RequestRecord, now: Date
    ) async throws(LLMError) {
        guard let store else { return }
        let admission = try Self.admission(route, input: input, output: output, key: key, requestID: record.ledgerID, now: now, holdFor: reservationHold)
        let decision: AdmissionDecision
        do {
            decision = try await store.admit(admission)
        } catch {
            throw Self.storeUnavailable("written")
        }
        try Self.apply(decision, key: key, input: input, record: record, now: now)
    }

    /// What `key` asks the store to reserve for a request of `input` and `output` tokens on `route`.
    @inline(never)
    private static func admission(
        _ route: ModelRouter.Route, input: Int, output: Int, key: StoredKey, requestID: String, now: Date, holdFor: TimeInterval
    ) throws(LLMError) -> Admission {
        var cost = Picodollars.zero
        if key.budget != nil {
            // The dearest target prices the reservation: any of them may serve.
            var dearest: Decimal?
            for target in route.targets {
                guard let price = target.price(for: route.upstreamModel(for: target)) else {
                    throw .permissionDenied(ProviderErrorDetails(
                        provider: "gateway", status: 403,
                        message: "`\(route.alias)` has a target with no known price, so this key's budget cannot be kept; give it a price"))
                }
                let most = Usage(inputTokens: input, outputTokens: output).cost(with: price).total
                dearest = max(dearest ?? most, most)
            }
            cost = Picodollars(dollars: dearest ?? 0)
        }
        return Admission(requestID: requestID, key: key, tokens: input + output, cost: cost, now: now, holdFor: holdFor)
    }

    /// Notes an admitted request on its record, or throws the error a refusal answers with.
    @inline(never)
    private static func apply(_ decision: AdmissionDecision, key: StoredKey, input: Int, record: RequestRecord, now: Date) throws(LLMError) {
        switch decision {
        case .admitted:
            record.update {
                $0.keyID = key.id
                $0.admittedAt = now
                $0.inputEstimate = input
            }
        case .rateLimited(let retryAfter, let reason):
            throw .rateLimited(
                retryAfter: .milliseconds(Int(retryAfter * 1000)),
                ProviderErrorDetails(provider: "gateway", status: 429, message: reason, code: "rate_limit_exceeded"))
        case .budgetExhausted(let reason):
            throw .rateLimited(retryAfter: nil, ProviderErrorDetails(provider: "gateway", status: 429, message: reason, code: "insufficient_quota"))
        case .tooLarge(let reason):
            throw .invalidRequest(ProviderErrorDetails(provider: "gateway", status: 400, message: reason))
        }
    }

    /// The alias that serves `model`, if `key` may use it.
    ///
    /// - Throws: `LLMError.modelNotFound` (404) for a model no alias serves, `LLMError.permissionDenied` (403) for an
    ///   alias the key may not use.
    @discardableResult
    func permit(_ model: String, key: StoredKey?, router: ModelRouter) throws(LLMError) -> ModelRouter.Route {
        let route = try router.resolve(model)
        if let models = key?.models, !models.contains(route.alias) {
            throw .permissionDenied(ProviderErrorDetails(
                provider: "gateway", status: 403, message: "this key may not use `\(route.alias)`; it may use: \(models.joined(separator: ", "))"))
        }
        return route
    }

    /// Writes the ledger row of an admitted request (and releases what its reservation held beyond its real cost);
    /// nothing for a request that was not admitted. Called before the reply's last bytes go out.
    func settle(_ record: RequestRecord, status: Int, error: String?) async {
        guard let store, let row = Self.ledgerRow(of: record, status: status, error: error) else { return }
        // A ledger that cannot be written must not lose the row silently; the reservation then expires on its own.
        do {
            try await store.settle(row)
        } catch {
            logger.error("the ledger row could not be written; the reservation will expire", metadata: [
                "ledger_id": "\(record.ledgerID)", "key_id": "\(row.keyID ?? "")", "error": "\(error)",
            ])
        }
    }

    /// The ledger row of an admitted request not settled yet, marked settled; nil for any other. A function of its
    /// own, never inlined: a copy of the record's fields in an async function stays in its frame, and a stream
    /// settles in the task that writes it, which keeps the largest frames it ever needed.
    @inline(never)
    private static func ledgerRow(of record: RequestRecord, status: Int, error: String?) -> LedgerRow? {
        let fields = record.snapshot
        guard let admittedAt = fields.admittedAt, record.markSettled() else { return nil }
        // A stream cut before its upstream reported usage is recorded with an estimate: the input estimated at
        // admission, four bytes a token of what was streamed. A request that produced nothing costs nothing.
        let usage = fields.usage
            ?? (fields.firstToken == nil ? Usage() : Usage(inputTokens: fields.inputEstimate ?? 0, outputTokens: (fields.streamedBytes + 3) / 4))
        // The price of the target that served, noted when it was chosen.
        let cost = fields.price.map { Picodollars(dollars: usage.cost(with: $0).total) } ?? .zero
        let now = ContinuousClock.now
        let row = LedgerRow(
            requestID: record.ledgerID, time: admittedAt, keyID: fields.keyID, alias: fields.alias, provider: fields.provider,
            model: fields.upstreamModel, format: fields.format, streamed: fields.streaming, status: status, errorKind: error,
            inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cacheReadTokens: usage.cacheReadTokens,
            cacheWriteTokens: usage.cacheWriteTokens, reasoningTokens: usage.reasoningTokens, cost: cost,
            latencyMilliseconds: Self.milliseconds(now - record.started),
            timeToFirstTokenMilliseconds: fields.firstToken.map { Self.milliseconds($0 - record.started) })
        return row
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
