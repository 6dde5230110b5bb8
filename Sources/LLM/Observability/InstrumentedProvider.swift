import CoreMetrics
import Logging
import Tracing

/// An ``LLMProvider`` that wraps another and reports every model call as one log line, a set of metrics and a
/// trace span, the same way for every backend. Nothing about the call itself changes.
///
/// ```swift
/// let provider = OpenAIProvider(configuration: config).instrumented(prices: .builtIn)
/// ```
///
/// - Logs go to one `Logger` per provider (label `llm.<provider name>`) with a request id, provider, model,
///   status, latency, time to first token (streams), token counts and cost. They never contain API keys, and
///   contain prompt and reply text only with `logContent: true` (then at `.trace`).
/// - Metrics: see ``LLMMetricLabels``.
/// - Spans follow the OpenTelemetry GenAI semantic conventions (`chat <model>`, kind client, `gen_ai.*`).
///
/// Metrics and spans go to the `metricsFactory` and `tracer` given, or to the globally bootstrapped
/// `MetricsSystem` and `InstrumentationSystem` at the time of each call when they are `nil`.
public struct InstrumentedProvider: LLMProvider {
    /// The wrapped provider.
    public let base: any LLMProvider
    let configuration: InstrumentationConfiguration

    /// - Parameters:
    ///   - base: the provider whose calls are reported.
    ///   - logger: where calls are logged; `nil` gives a `Logger` labelled `llm.<provider name>`.
    ///   - metricsFactory: where metrics go; `nil` uses `MetricsSystem.factory` at each call.
    ///   - tracer: where spans go; `nil` uses `InstrumentationSystem.tracer` at each call.
    ///   - prices: when given, each call's cost is logged and counted in `llm_cost_usd_total`.
    ///   - logContent: also log prompt and reply text, at `.trace`. Off by default: they may hold personal data.
    public init(
        _ base: any LLMProvider, logger: Logger? = nil, metricsFactory: (any MetricsFactory)? = nil,
        tracer: (any Tracer)? = nil, prices: PriceTable? = nil, logContent: Bool = false
    ) {
        self.base = base
        self.configuration = InstrumentationConfiguration(
            provider: base.name, logger: logger ?? Logger(label: "llm.\(base.name)"), metricsFactory: metricsFactory,
            tracer: tracer, prices: prices, logContent: logContent)
    }

    public var name: String { base.name }

    /// The logger calls are reported to (label `llm.<provider name>` unless one was given).
    public var logger: Logger { configuration.logger }

    public var capabilities: ProviderCapabilities { base.capabilities }

    public func listModels() async throws -> [ModelInfo] {
        try await base.listModels()
    }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        let call = ModelCall.start(request, operation: .complete, configuration: configuration)
        do {
            let response = try await call.withSpanContext { try await base.complete(request) }
            call.finish(CallOutcome(response: response))
            return response
        } catch {
            call.finish(CallOutcome(error: LLMError(normalising: error)))
            throw error
        }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        let call = ModelCall.start(request, operation: .stream, configuration: configuration)
        // A stream that starts a task when created gives it the span as its parent context; one that works
        // in the reading task gets it from `InstrumentedStream`, which reads it inside the span's context.
        let inner = call.withSpanContext { base.stream(request) }
        return InstrumentedStream.wrap(inner, call: call)
    }
}

extension InstrumentedProvider {
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let call = ModelCall.start(request, configuration: configuration)
        do {
            let response = try await call.withSpanContext { try await base.embed(request) }
            call.finish(CallOutcome(embeddings: response))
            return response
        } catch {
            call.finish(CallOutcome(error: LLMError(normalising: error)))
            throw error
        }
    }
}

extension LLMProvider {
    /// This provider with logs, metrics and trace spans for every call; see ``InstrumentedProvider``.
    public func instrumented(
        logger: Logger? = nil, metricsFactory: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil,
        prices: PriceTable? = nil, logContent: Bool = false
    ) -> InstrumentedProvider {
        InstrumentedProvider(
            self, logger: logger, metricsFactory: metricsFactory, tracer: tracer, prices: prices, logContent: logContent)
    }
}

/// What an ``InstrumentedProvider`` reports to, fixed when it is created.
struct InstrumentationConfiguration: Sendable {
    var provider: String
    var logger: Logger
    var metricsFactory: (any MetricsFactory)?
    var tracer: (any Tracer)?
    var prices: PriceTable?
    var logContent: Bool
}
