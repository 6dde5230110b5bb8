import CoreMetrics
import Foundation

extension ModelCall {
    /// Metric objects are made per call: the `model` dimension varies by request, and backends cache
    /// handlers by label and dimensions.
    func recordMetrics(_ outcome: CallOutcome, latency: Duration, cost: Cost?) {
        let base = [("provider", configuration.provider), ("model", requestModel)]
        let operation = base + [("operation", self.operation.rawValue)]

        Counter(label: LLMMetricLabels.requests, dimensions: operation, factory: metricsFactory).increment()
        if let error = outcome.error {
            Counter(label: LLMMetricLabels.errors, dimensions: operation + [("error_kind", error.kind)], factory: metricsFactory)
                .increment()
        }
        CoreMetrics.Timer(
            label: LLMMetricLabels.requestDuration,
            dimensions: operation + [("status", outcome.error == nil ? "ok" : "error")],
            preferredDisplayUnit: .seconds, factory: metricsFactory
        ).recordNanoseconds(Self.nanoseconds(latency))
        if let ttft = outcome.timeToFirstToken {
            CoreMetrics.Timer(label: LLMMetricLabels.timeToFirstToken, dimensions: base, preferredDisplayUnit: .seconds, factory: metricsFactory)
                .recordNanoseconds(Self.nanoseconds(ttft))
        }
        if let usage = outcome.usage {
            let counts = [
                ("input", usage.inputTokens), ("output", usage.outputTokens), ("cache_read", usage.cacheReadTokens),
                ("cache_write", usage.cacheWriteTokens), ("reasoning", usage.reasoningTokens),
            ]
            for (type, count) in counts where count > 0 {
                Counter(label: LLMMetricLabels.tokens, dimensions: base + [("type", type)], factory: metricsFactory)
                    .increment(by: count)
            }
        }
        if let cost, cost.total > 0 {
            FloatingPointCounter(label: LLMMetricLabels.cost, dimensions: base, factory: metricsFactory)
                .increment(by: NSDecimalNumber(decimal: cost.total).doubleValue)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
