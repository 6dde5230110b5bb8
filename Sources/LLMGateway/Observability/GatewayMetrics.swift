import LLM
import NIOConcurrencyHelpers
import Prometheus

/// The gateway's Prometheus metrics, served at `GET /metrics`. The gateway's own, per client request:
///
/// - `llm_gateway_requests_total{format, alias, provider, status}`
/// - `llm_gateway_request_duration_seconds{format, alias, provider, status}` (to the last byte of a stream)
/// - `llm_gateway_time_to_first_token_seconds{format, alias, provider}` (streams)
/// - `llm_gateway_tokens_total{alias, provider, type}`, `type` one of `input`, `output`, `cache_read`, `reasoning`
///
/// and, beside them, the library's per-upstream-call metrics (`llm_requests_total`, `llm_errors_total`...: see
/// ``LLMMetricLabels``) from every target's instrumented provider. `alias` is a configured alias or `unknown`, so
/// a client cannot add series by naming models.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    private struct RequestLabels: Hashable, Sendable {
        let format: String, alias: String, provider: String, status: Int
    }
    private struct RequestSeries: Sendable {
        let requests: Counter
        let duration: DurationHistogram
    }
    private struct StreamLabels: Hashable, Sendable {
        let format: String, alias: String, provider: String
    }
    private struct TokenLabels: Hashable, Sendable {
        let alias: String, provider: String, type: String
    }
    private let requestSeries = SeriesCache<RequestLabels, RequestSeries>()
    private let firstTokenSeries = SeriesCache<StreamLabels, DurationHistogram>()
    private let tokenSeries = SeriesCache<TokenLabels, Counter>()

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A metrics factory over the same registry, for the library's instrumentation of upstream calls.
    var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    func record(_ fields: RequestRecord.Fields, status: Int, duration: Duration, timeToFirstToken: Duration?) {
        let alias = fields.alias ?? "unknown"
        let provider = fields.provider ?? "none"
        let series = requestSeries(RequestLabels(format: fields.format, alias: alias, provider: provider, status: status)) {
            let names = [("format", $0.format), ("alias", $0.alias), ("provider", $0.provider), ("status", String($0.status))]
            return RequestSeries(
                requests: registry.makeCounter(
                    descriptor: .init(metricName: "llm_gateway_requests", unitName: "total", helpText: "Client requests served, by format, alias, provider and HTTP status."),
                    labels: names),
                duration: registry.makeDurationHistogram(
                    descriptor: .init(metricName: "llm_gateway_request_duration", unitName: "seconds", helpText: "Time to the last byte of each client request."),
                    labels: names, buckets: Self.latencyBuckets))
        }
        series.requests.increment()
        series.duration.record(duration)
        if let timeToFirstToken {
            firstTokenSeries(StreamLabels(format: fields.format, alias: alias, provider: provider)) {
                registry.makeDurationHistogram(
                    descriptor: .init(metricName: "llm_gateway_time_to_first_token", unitName: "seconds", helpText: "Time to the first streamed token."),
                    labels: [("format", $0.format), ("alias", $0.alias), ("provider", $0.provider)], buckets: Self.latencyBuckets)
            }.record(timeToFirstToken)
        }
        if let usage = fields.usage {
            for (type, count) in [("input", usage.inputTokens), ("output", usage.outputTokens), ("cache_read", usage.cacheReadTokens), ("reasoning", usage.reasoningTokens)]
            where count > 0 {
                tokenSeries(TokenLabels(alias: alias, provider: provider, type: type)) {
                    registry.makeCounter(
                        descriptor: .init(metricName: "llm_gateway_tokens", unitName: "total", helpText: "Tokens used, by alias, provider and type (cache and reasoning tokens are parts of input and output)."),
                        labels: [("alias", $0.alias), ("provider", $0.provider), ("type", $0.type)])
                }.increment(by: Int64(count))
            }
        }
    }

    /// The Prometheus text format of every metric.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// Series by their labels: asked of the registry once (which names the metric, sorts and hashes the labels and takes
/// its lock each time), then kept.
private final class SeriesCache<Labels: Hashable & Sendable, Series: Sendable>: Sendable {
    private let series = NIOLockedValueBox<[Labels: Series]>([:])

    func callAsFunction(_ labels: Labels, make: (Labels) -> Series) -> Series {
        if let known = series.withLockedValue({ $0[labels] }) { return known }
        let made = make(labels)
        series.withLockedValue { $0[labels] = made }
        return made
    }
}
