import CoreMetrics
import Foundation
import Logging
import Tracing

/// The telemetry of one model call: started when the call starts, reported once by ``finish(_:)``.
struct ModelCall: Sendable {
    enum Operation: String, Sendable {
        case complete, stream, embeddings

        /// `gen_ai.operation.name`.
        var genAIName: String { self == .embeddings ? "embeddings" : "chat" }
    }

    let operation: Operation
    let requestModel: String
    let requestID: String
    let started: ContinuousClock.Instant
    let span: any Tracing.Span
    /// This call's request id, provider, model and operation, put on each of its lines when it is written (set on the
    /// logger, each key made the stream handler format the whole metadata anew, at every call). Made only for a line
    /// that is logged.
    var metadata: Logger.Metadata {
        [
            "request_id": "\(requestID)", "provider": "\(configuration.provider)", "model": "\(requestModel)",
            "operation": "\(operation.rawValue)",
        ]
    }
    let metricsFactory: any MetricsFactory
    let configuration: InstrumentationConfiguration
    /// The provider's logger.
    var logger: Logger { configuration.logger }

    static func start(_ request: ChatRequest, operation: Operation, configuration: InstrumentationConfiguration) -> ModelCall {
        let call = start(model: request.model, operation: operation, configuration: configuration)
        if configuration.logContent {
            call.logger.trace("LLM request content", metadata: call.metadata.merging(["prompt": "\(ContentRendering.prompt(request))"]) { $1 })
        }
        GenAIAttributes.setRequest(request, provider: configuration.provider, stream: operation == .stream, requestID: call.requestID, on: call.span)
        return call
    }

    static func start(_ request: EmbeddingRequest, configuration: InstrumentationConfiguration) -> ModelCall {
        let call = start(model: request.model, operation: .embeddings, configuration: configuration)
        GenAIAttributes.setRequest(request, provider: configuration.provider, requestID: call.requestID, on: call.span)
        return call
    }

    private static func start(model: String, operation: Operation, configuration: InstrumentationConfiguration) -> ModelCall {
        let started = ContinuousClock.now
        // A short id is enough to correlate the lines of one call; it is also put on the span.
        let requestID = RandomID.hex(bytes: 4)
        let tracer = configuration.tracer ?? InstrumentationSystem.tracer
        let span = tracer.startSpan(
            GenAIAttributes.spanName(operation: operation.genAIName, model: model), context: InstrumentationContext.current ?? .topLevel,
            ofKind: .client)
        return ModelCall(
            operation: operation, requestModel: model, requestID: requestID, started: started, span: span,
            metricsFactory: configuration.metricsFactory ?? MetricsSystem.factory,
            configuration: configuration)
    }

    /// Runs `body` with the span as the current context, so spans started inside (HTTP) become its children.
    func withSpanContext<T>(_ body: () throws -> T) rethrows -> T {
        try InstrumentationContext.withValue(span.context, operation: body)
    }

    func withSpanContext<T>(_ body: () async throws -> T) async rethrows -> T {
        try await InstrumentationContext.withValue(span.context, operation: body)
    }

    /// Reports the call to the log, the metrics and the span, and ends the span. Call it exactly once.
    func finish(_ outcome: CallOutcome) {
        let latency = started.duration(to: .now)
        let cost = outcome.usage.flatMap { self.cost(of: $0, responseModel: outcome.responseModel) }
        log(outcome, latency: latency, cost: cost)
        recordMetrics(outcome, latency: latency, cost: cost)
        GenAIAttributes.setOutcome(outcome, on: span)
        span.end()
    }

    /// Priced by the model that answered (often a dated id), else by the model asked for.
    private func cost(of usage: Usage, responseModel: String?) -> Cost? {
        guard let prices = configuration.prices else { return nil }
        let price = responseModel.flatMap { prices.price(for: $0) } ?? prices.price(for: requestModel)
        return price.map { usage.cost(with: $0) }
    }
}
