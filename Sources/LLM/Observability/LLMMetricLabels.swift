/// The metrics an ``InstrumentedProvider`` reports, with their dimensions.
///
/// Every metric has the dimensions `provider` and `model` (the model asked for, so the number of series
/// stays bounded).
public enum LLMMetricLabels {
    /// Counter of finished calls, failed ones included; dimension `operation` (`complete` or `stream`).
    public static let requests = "llm_requests_total"
    /// Counter of failed calls; dimensions `operation` and `error_kind` (``LLMError/kind``).
    public static let errors = "llm_errors_total"
    /// Counter of tokens; dimension `type`: `input`, `output`, `cache_read`, `cache_write`, `reasoning`.
    /// Cache and reasoning tokens are parts of input and output, as in ``Usage``: do not add them up.
    public static let tokens = "llm_tokens_total"
    /// Timer of whole calls; dimensions `operation` and `status` (`ok` or `error`).
    public static let requestDuration = "llm_request_duration_seconds"
    /// Timer from the start of a stream to its first content event.
    public static let timeToFirstToken = "llm_time_to_first_token_seconds"
    /// Floating-point counter of cost in US dollars, when the provider was given a ``PriceTable``.
    public static let cost = "llm_cost_usd_total"
}
