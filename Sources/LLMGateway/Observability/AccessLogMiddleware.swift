import Hummingbird
import Logging

/// Gives each request its ``RequestRecord`` and, when the request is over, writes its one access-log line and its
/// metrics. A stream is over when its last byte is written (``GatewayHTTP/stream``), not when its head is.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let observer: GatewayObserver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let record = RequestRecord(requestID: GatewayHTTP.requestID(of: request), method: request.method.rawValue, path: request.uri.path, observer: observer)
        context.record = record
        do {
            let response = try await next(request, context)
            if !record.snapshot.streaming { record.finish(status: response.status.code) }
            return response
        } catch {
            record.finish(status: (error as? any HTTPResponseError)?.status.code ?? 500)
            throw error
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
