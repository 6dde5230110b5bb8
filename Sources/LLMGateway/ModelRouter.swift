import LLM
import Logging

/// Serves each model alias with its targets, in the order ``TargetSelection`` draws (weights, cooldowns): the next
/// target serves when one fails with a retryable error before it has sent anything (once a stream has delivered
/// content, its failure reaches the client as the format's in-stream error: nothing is sent twice).
public struct ModelRouter: Sendable {
    /// One upstream of an alias: a provider and the model name it is asked for.
    struct Target: Sendable {
        var provider: any LLMProvider
        var model: String
        /// The provider itself when it can count tokens (the instrumented wrapper cannot).
        var counter: (any TokenCounting)?
    }

    private let routes: [String: [Target]]
    /// Each alias's retry policy for its upstream calls, from `max_retries`.
    private let retryPolicies: [String: RetryPolicy]
    /// The aliases, in the configuration's order.
    public let aliases: [String]
    private let selection: TargetSelection

    /// Providers for every target, from the registry's providers with each target's base URL and key variable.
    /// With `metrics`, every upstream call is instrumented (the library's metrics into its registry, GenAI spans to the
    /// bootstrapped tracer).
    public init(
        configuration: GatewayConfiguration, environment: [String: String], transport: any HTTPTransport = NIOHTTPTransport.shared,
        metrics: GatewayMetrics? = nil
    ) throws(GatewayConfigurationError) {
        try self.init(
            configuration: configuration, environment: environment, transport: transport, metrics: metrics,
            random: { Double.random(in: 0..<1) }, now: { .now })
    }

    /// The same, with the randomness of weighted targets and the clock of cooldowns given (for tests).
    init(
        configuration: GatewayConfiguration, environment: [String: String], transport: any HTTPTransport, metrics: GatewayMetrics? = nil,
        random: @escaping @Sendable () -> Double, now: @escaping @Sendable () -> ContinuousClock.Instant
    ) throws(GatewayConfigurationError) {
        selection = TargetSelection(
            settings: Dictionary(configuration.models.map { alias in
                (alias.name, TargetSelection.Settings(
                    weights: alias.targets.map(\.weight), cooldownAfter: alias.cooldownAfter ?? 3,
                    cooldown: .milliseconds(Int((alias.cooldownSeconds ?? 30) * 1000))))
            }) { first, _ in first },
            random: random, now: now)
        var routes: [String: [Target]] = [:]
        for alias in configuration.models {
            // `timeout_s`: how long a target may stay silent, before its reply starts or between two chunks. A target
            // that times out before answering hands over to the next; a long reply that keeps coming is not cut.
            let silence = alias.timeoutSeconds.map { Duration.milliseconds(Int($0 * 1000)) }
            let registry = ProviderRegistry(
                environment: environment, transport: transport,
                timeouts: silence.map { HTTPTimeouts(firstByte: $0, idle: $0, total: nil) })
            var targets: [Target] = []
            for target in alias.targets {
                do {
                    let key = target.apiKeyEnv.flatMap { environment[$0] }
                    let (provider, model) = try registry.resolve(target.model, defaultProvider: "openai", baseURL: target.baseURL, apiKey: key)
                    targets.append(Target(
                        provider: metrics.map { Self.instrument(provider, metrics: $0, prices: Self.prices(for: target, model: model)) } ?? provider,
                        model: model,
                        counter: provider as? any TokenCounting))
                } catch {
                    throw GatewayConfigurationError("models (\(alias.name)): \(target.model): \(error)")
                }
            }
            routes[alias.name] = targets
        }
        self.routes = routes
        retryPolicies = Dictionary(configuration.models.compactMap { alias in
            alias.maxRetries.map { (alias.name, RetryPolicy(maxAttempts: $0 + 1)) }
        }) { first, _ in first }
        aliases = configuration.models.map(\.name)
    }

    /// Whether clients may ask for `alias`.
    public func serves(_ alias: String) -> Bool { routes[alias] != nil }

    /// The reply for `request`, whose model is an alias.
    ///
    /// - Throws: `LLMError.modelNotFound` for an unknown alias; the last target's error when every target failed.
    public func complete(_ request: ChatRequest) async throws(LLMError) -> LLMResponse {
        try await complete(request, record: nil)
    }

    func complete(_ request: ChatRequest, record: RequestRecord?) async throws(LLMError) -> LLMResponse {
        let targets = try targets(for: request.model)
        record?.update { $0.alias = request.model }
        var lastError = LLMError.serverError(ProviderErrorDetails(provider: "gateway", message: "no target"))
        for index in selection.order(for: request.model) {
            let target = targets[index]
            var upstream = request
            upstream.model = target.model
            upstream.retryPolicy = retryPolicies[request.model] ?? upstream.retryPolicy
            do {
                record?.update {
                    $0.provider = target.provider.name
                    $0.upstreamModel = target.model
                }
                var response = try await target.provider.complete(upstream)
                record?.update { $0.usage = response.usage }
                selection.succeeded(request.model, target: index)
                response.model = request.model
                return response
            } catch {
                let error = LLMError(normalising: error)
                selection.failed(request.model, target: index, error: error)
                lastError = error
                guard error.isRetryable else { throw error }
            }
        }
        throw lastError
    }

    /// The events of a streamed reply for `request`, whose model is an alias. A target that fails before its first
    /// event is replaced by the next; the model is reported as the alias. Dropping the stream cancels the upstream
    /// call, closing its connection.
    public func stream(_ request: ChatRequest) -> LLMEventStream {
        stream(request, record: nil)
    }

    func stream(_ request: ChatRequest, record: RequestRecord?) -> LLMEventStream {
        LLMEventStream { continuation in
            let task = Task {
                do {
                    let targets = try targets(for: request.model)
                    record?.update { $0.alias = request.model }
                    let order = selection.order(for: request.model)
                    var delivered = false
                    for (number, index) in order.enumerated() {
                        let target = targets[index]
                        var upstream = request
                        upstream.model = target.model
                        upstream.retryPolicy = retryPolicies[request.model] ?? upstream.retryPolicy
                        record?.update {
                            $0.provider = target.provider.name
                            $0.upstreamModel = target.model
                        }
                        do {
                            for try await event in target.provider.stream(upstream) {
                                delivered = true
                                continuation.yield(Self.renamingModel(event, to: request.model))
                            }
                            selection.succeeded(request.model, target: index)
                            continuation.finish()
                            return
                        } catch {
                            let error = LLMError(normalising: error)
                            if error != .cancelled { selection.failed(request.model, target: index, error: error) }
                            guard !delivered, error.isRetryable, number < order.count - 1 else { throw error }
                        }
                    }
                } catch {
                    continuation.finish(throwing: LLMError(normalising: error))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The input tokens of `request`, whose model is an alias: counted by the first target whose provider can count
    /// (the next one if it fails with a retryable error), or estimated when none can.
    public func countTokens(_ request: ChatRequest) async throws(LLMError) -> TokenCount {
        let targets = try targets(for: request.model)
        for index in selection.order(for: request.model) {
            guard let counter = targets[index].counter else { continue }
            var upstream = request
            upstream.model = targets[index].model
            do {
                return TokenCount(tokens: try await counter.countTokens(upstream), exact: true)
            } catch {
                let error = LLMError(normalising: error)
                guard error.isRetryable else { throw error }
            }
        }
        return TokenCount.estimate(request)
    }

    /// `provider` with the library's instrumentation: metrics into the gateway's registry, spans to the global tracer,
    /// and a log line for each upstream call that fails (a fallback shows there); the access log has the line a request.
    static func instrument(_ provider: any LLMProvider, metrics: GatewayMetrics, prices: PriceTable) -> any LLMProvider {
        var logger = Logger(label: "llm.gateway.upstream")
        logger.logLevel = .notice
        return InstrumentedProvider(provider, logger: logger, metricsFactory: metrics.factory, prices: prices)
    }

    /// The target's own price, or the built-in table's for its model (so `llm_cost_usd_total` counts what it costs).
    static func prices(for target: GatewayConfiguration.Target, model: String) -> PriceTable {
        guard let price = target.price else { return .builtIn }
        return PriceTable([model: price.modelPrice])
    }

    private func targets(for alias: String) throws(LLMError) -> [Target] {
        guard let targets = routes[alias], !targets.isEmpty else {
            throw .modelNotFound(ProviderErrorDetails(
                provider: "gateway", status: 404, message: "The model `\(alias)` does not exist; this gateway serves: \(aliases.joined(separator: ", "))",
                code: "model_not_found"))
        }
        return targets
    }

    /// Clients see the alias they asked for, not the upstream's model name.
    static func renamingModel(_ event: StreamEvent, to alias: String) -> StreamEvent {
        switch event {
        case .start(let id, _): .start(id: id, model: alias)
        case .finish(let stopReason, let usage, _): .finish(stopReason: stopReason, usage: usage, model: alias)
        default: event
        }
    }
}
