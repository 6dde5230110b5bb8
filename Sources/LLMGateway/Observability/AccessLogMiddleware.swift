import Hummingbird
import Logging

/// Gives each request its ``RequestRecord`` and, when the request is over, writes its ledger row (before the reply
/// leaves), its one access-log line and its metrics. A stream is over when its last byte is written
/// (``GatewayHTTP/stream`` settles it before that byte), not when its head is.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let observer: GatewayObserver
    let live: LiveConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let live = self.live
        let record = RequestRecord(
            requestID: GatewayHTTP.requestID(of: request), method: request.method.rawValue, path: request.uri.path, observer: observer,
            settler: { record, status, error in await live.access.settle(record, status: status, error: error) })
        context.record = record
        do {
            let response = try await next(request, context)
            if !record.isStreaming { await Self.finish(record, status: response.status.code) }
            return response
        } catch {
            await Self.finish(record, status: (error as? any HTTPResponseError)?.status.code ?? 500)
            throw error
        }
    }

    /// Settles and logs a request answered by `status`. Never inlined: this middleware's frame stays under every
    /// request's handling, which the connection's task keeps for as long as it lasts.
    @inline(never)
    private static func finish(_ record: RequestRecord, status: Int) async {
        await record.settle(status: status)
        record.finish(status: status)
    }
}

/// Refuses a request without a valid key (when keys are needed) before its body is read, in its client's format; a
/// valid key goes on in the request's record. Probes and the admin API (which has its own key) are not checked here.
struct KeyAuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let live: LiveConfiguration

    static let unchecked: Set<String> = ["/health", "/ready", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Most requests pass at once (a key the cache holds, or none needed): their check allocates no async frame, so
        // none stays under the request's in the connection's task.
        if !passesAtOnce(request, context: context), let refusal = await refusal(of: request, context: context) { return refusal }
        return try await next(request, context)
    }

    /// Whether the request needs no key check, or its key is one the cache holds and may be used (noted in the record).
    @inline(never)
    private func passesAtOnce(_ request: Request, context: Context) -> Bool {
        let path = request.uri.path
        if Self.unchecked.contains(path) || path.hasPrefix("/admin/") { return true }
        switch live.access.authenticateFromCache(request) {
        case .anonymous: return true
        case .key(let key):
            context.record.update { $0.key = key }
            return true
        case nil: return false
        }
    }

    /// The answer to a request whose key is refused, or nil (the key, if any, is noted in the request's record). Asked
    /// only for requests that `passesAtOnce` did not let through, so their path needs a key.
    /// Never inlined: the frames of the middlewares stay under every request's handling (see ``GatewayHTTP/answer``).
    @inline(never)
    private func refusal(of request: Request, context: Context) async -> Response? {
        do {
            let key = try await live.access.authenticate(request)
            context.record.update { $0.key = key }
            return nil
        } catch {
            context.record.noteError(error)
            return ClientFormat(path: request.uri.path, method: request.method).error(error, requestID: context.record.requestID)
        }
    }
}

/// Where finished requests go: the access log (logger `llm.gateway.access`, one `info` line a request, with its
/// fields as metadata) and ``GatewayMetrics``. Probes (`/health`, `/ready`, `/metrics`) are counted but not logged.
struct GatewayObserver: Sendable {
    let metrics: GatewayMetrics
    let logger: Logger

    static let quietPaths: Set<String> = ["/health", "/ready", "/metrics"]

    func finished(_ record: RequestRecord, status: Int, error: String? = nil) {
        guard record.markFinished() else { return }
        let duration = ContinuousClock.now - record.started
        let fields = record.snapshot
        metrics.record(fields, status: status, duration: duration, timeToFirstToken: fields.firstToken.map { $0 - record.started })
        guard !Self.quietPaths.contains(record.path) else { return }
        var metadata: Logger.Metadata = [
            "request_id": "\(record.requestID)", "method": "\(record.method)", "path": "\(record.path)", "format": "\(fields.format)",
            "status": "\(status)", "duration_ms": "\(Self.milliseconds(duration))", "stream": "\(fields.streaming)",
        ]
        if fields.admittedAt != nil { metadata["ledger_id"] = "\(record.ledgerID)" }
        if let alias = fields.alias { metadata["alias"] = "\(alias)" }
        if let provider = fields.provider { metadata["provider"] = "\(provider)" }
        if let model = fields.upstreamModel { metadata["upstream_model"] = "\(model)" }
        if let firstToken = fields.firstToken { metadata["ttft_ms"] = "\(Self.milliseconds(firstToken - record.started))" }
        if let usage = fields.usage {
            metadata["input_tokens"] = "\(usage.inputTokens)"
            metadata["output_tokens"] = "\(usage.outputTokens)"
        }
        if let error { metadata["error"] = "\(error)" }
        logger.info("request", metadata: metadata)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
