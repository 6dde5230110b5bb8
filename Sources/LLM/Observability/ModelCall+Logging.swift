import Foundation
import Logging

extension ModelCall {
    /// One line per call: `.info` when it succeeded, `.warning` when it failed, `.debug` when it was cancelled
    /// (cancelling is the caller's choice, not a fault). Metadata only; never keys, never content unless opted in.
    func log(_ outcome: CallOutcome, latency: Duration, cost: Cost?) {
        let level: Logger.Level = outcome.error.map { $0 == .cancelled ? .debug : .warning } ?? .info
        // Nothing is built for a line nobody reads (the reply's content, at trace, is read only when this line is).
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = self.metadata.merging([
            "status": outcome.error == nil ? "ok" : "error",
            "latency_ms": .stringConvertible(Self.milliseconds(latency)),
        ]) { $1 }
        if let ttft = outcome.timeToFirstToken { metadata["ttft_ms"] = .stringConvertible(Self.milliseconds(ttft)) }
        if let model = outcome.responseModel { metadata["response_model"] = "\(model)" }
        if let id = outcome.responseID { metadata["response_id"] = "\(id)" }
        if let reason = outcome.stopReason { metadata["stop_reason"] = "\(reason.name)" }
        if let usage = outcome.usage {
            metadata["input_tokens"] = .stringConvertible(usage.inputTokens)
            metadata["output_tokens"] = .stringConvertible(usage.outputTokens)
            metadata["cache_read_tokens"] = .stringConvertible(usage.cacheReadTokens)
            metadata["cache_write_tokens"] = .stringConvertible(usage.cacheWriteTokens)
            metadata["reasoning_tokens"] = .stringConvertible(usage.reasoningTokens)
        }
        if let cost { metadata["cost_usd"] = "\(cost.total)" }

        guard let error = outcome.error else {
            logger.info("LLM call succeeded", metadata: metadata)
            logReply(outcome)
            return
        }
        metadata["error_kind"] = "\(error.kind)"
        if let status = error.httpStatus { metadata["http_status"] = .stringConvertible(status) }
        if let code = error.details?.code { metadata["error_code"] = "\(code)" }
        // The description holds the provider's error message, never the raw body (which could echo the prompt).
        metadata["error"] = "\(error)"
        logger.log(level: level, "LLM call failed", metadata: metadata)
        logReply(outcome)
    }

    private func logReply(_ outcome: CallOutcome) {
        guard configuration.logContent, let reply = outcome.replyText else { return }
        logger.trace("LLM reply content", metadata: metadata.merging(["reply": "\(reply)"]) { $1 })
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int((duration / .milliseconds(1)).rounded())
    }
}
