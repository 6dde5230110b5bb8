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
        /// The target's price from the configuration; nil looks the upstream model up in the built-in table.
        var price: ModelPrice?

        /// What `model` costs on this target, if anyone knows.
        func price(for model: String) -> ModelPrice? { price ?? PriceTable.builtIn.price(for: model) }
    }

    private let routes: [String: [Target]]
    /// Each alias's retry policy for its upstream calls, from `max_retries`.
    let retryPolicies: [String: RetryPolicy]
    /// The aliases, in the configuration's order.
    public let aliases: [String]
    /// The models a wildcard alias may pass on (glob patterns), by alias.
    private let allowLists: [String: [String]]
    /// Each alias's `max_output_tokens`.
    let outputCaps: [String: Int]
    let selection: TargetSelection

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
                        counter: provider as? any TokenCounting, price: target.price?.modelPrice))
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
        allowLists = Dictionary(configuration.models.compactMap { alias in alias.allow.map { (alias.name, $0) } }) { first, _ in first }
        outputCaps = Dictionary(configuration.models.compactMap { alias in alias.maxOutputTokens.map { (alias.name, $0) } }) { first, _ in first }
    }

    /// Whether clients may ask for `alias`.
    public func serves(_ model: String) -> Bool { (try? resolve(model)) != nil }

    /// The reply for `request`, whose model is an alias.
    ///
    /// - Throws: `LLMError.modelNotFound` for an unknown alias; the last target's error when every target failed.
    public func complete(_ request: ChatRequest) async throws(LLMError) -> LLMResponse {
        try await complete(request, record: nil)
    }

    func complete(_ request: ChatRequest, record: RequestRecord?) async throws(LLMError) -> LLMResponse {
        try await serve(request.model, record: record) { target, route in
            var response = try await target.provider.complete(route.upstream(request, target: target, retryPolicy: retryPolicies[route.alias]))
            response.model = request.model
            return (response, response.usage)
        }
    }

    /// The embeddings for `request`, whose model is an alias, from the first of its targets that serves them (a target
    /// without embeddings hands over to the next). The model is reported as the alias. The ledger gets the estimated
    /// input tokens when the upstream reports none (Gemini may not).
    public func embed(_ request: EmbeddingRequest) async throws(LLMError) -> EmbeddingResponse {
        try await embed(request, record: nil)
    }

    func embed(_ request: EmbeddingRequest, record: RequestRecord?) async throws(LLMError) -> EmbeddingResponse {
        try await serve(request.model, record: record) { target, route in
            var upstream = request
            upstream.model = route.upstreamModel(for: target)
            upstream.retryPolicy = retryPolicies[route.alias] ?? request.retryPolicy
            var response = try await target.provider.embed(upstream)
            response.model = request.model
            let usage = response.usage.inputTokens > 0 ? response.usage : Usage(inputTokens: TokenCount.estimate(request).tokens)
            return (response, usage)
        }
    }

    /// Asks the alias's targets in turn until one answers: the next one is asked when a target fails with a
    /// retryable error or cannot do what is asked (`unsupported`); the answer's usage goes to the record.
    private func serve<Answer>(
        _ model: String, record: RequestRecord?, _ ask: (Target, Route) async throws -> (Answer, Usage)
    ) async throws(LLMError) -> Answer {
        let route = try resolve(model)
        record?.update { $0.alias = route.alias }
        var lastError = LLMError.serverError(ProviderErrorDetails(provider: "gateway", message: "no target"))
        for index in selection.order(for: route.alias) {
            let target = route.targets[index]
            let upstreamModel = route.upstreamModel(for: target)
            do {
                record?.update {
                    $0.provider = target.provider.name
                    $0.upstreamModel = upstreamModel
                    $0.price = target.price(for: upstreamModel)
                }
                let (answer, usage) = try await ask(target, route)
                record?.update { $0.usage = usage }
                selection.succeeded(route.alias, target: index)
                return answer
            } catch {
                let error = LLMError(normalising: error)
                selection.failed(route.alias, target: index, error: error)
                lastError = error
                guard Self.handsOver(error) else { throw error }
            }
        }
        throw lastError
    }

    /// Whether a target that failed with `error` before answering leaves the request to the next: when it may
    /// answer later (a retryable error, which also counts towards its cooldown) or cannot do what is asked
    /// (`unsupported`, which does not).
    static func handsOver(_ error: LLMError) -> Bool {
        if case .unsupported = error { return true }
        return error.isRetryable
    }

    /// The events of a streamed reply for `request`, whose model is an alias. A target that fails before its first
    /// event, or cannot do what is asked (`unsupported`), is replaced by the next; the model is reported as the alias.
    /// Dropping the stream cancels the upstream call, closing its connection. Iterate it once, as a provider's stream:
    /// a second iterator stops the program with a message.
    public func stream(_ request: ChatRequest) -> LLMEventStream {
        stream(request, record: nil)
    }

    func stream(_ request: ChatRequest, record: RequestRecord?) -> LLMEventStream {
        LLMEventStream(puller: RoutedStream(request, record: record, router: self))
    }

    /// The input tokens of `request`, whose model is an alias: counted by the first target whose provider can count
    /// (the next one if it fails with a retryable error), or estimated when none can.
    public func countTokens(_ request: ChatRequest) async throws(LLMError) -> TokenCount {
        let route = try resolve(request.model)
        for index in selection.order(for: route.alias) {
            guard let counter = route.targets[index].counter else { continue }
            let upstream = route.upstream(request, target: route.targets[index], retryPolicy: nil)
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
        // The library logs each call at debug or info; only its failures (notice) here, or less at a higher level.
        logger.logLevel = max(logger.logLevel, .notice)
        return InstrumentedProvider(provider, logger: logger, metricsFactory: metrics.factory, prices: prices)
    }

    /// The target's own price, or the built-in table's for its model (so `llm_cost_usd_total` counts what it costs).
    static func prices(for target: GatewayConfiguration.Target, model: String) -> PriceTable {
        guard let price = target.price else { return .builtIn }
        return PriceTable([model: price.modelPrice])
    }

    /// An alias and the part of the requested name its `*` stands for.
    struct Route {
        var alias: String
        var targets: [Target]
        /// What a wildcard alias's `*` matched (`openai/gpt-4o-mini` for `openrouter/*`); nil for a plain alias.
        var rest: String?

        /// The request as `target` is asked it: its model (``upstreamModel(for:)``), the alias's retry policy.
        func upstream(_ request: ChatRequest, target: Target, retryPolicy: RetryPolicy?) -> ChatRequest {
            var upstream = request
            upstream.model = upstreamModel(for: target)
            upstream.retryPolicy = retryPolicy ?? upstream.retryPolicy
            return upstream
        }

        /// The model `target` is asked for: the target's, with `*` replaced by what the request's name matched.
        func upstreamModel(for target: Target) -> String {
            rest.map { target.model.replacingOccurrences(of: "*", with: $0) } ?? target.model
        }
    }

    /// The alias that serves `model`: the alias of that name, or else the wildcard alias (`prefix/*`) with the longest
    /// prefix, if its allow-list lets the rest through.
    ///
    /// - Throws: `LLMError.modelNotFound` (404) when no alias serves it, naming the allow-list that refused it.
    func resolve(_ model: String) throws(LLMError) -> Route {
        if let targets = routes[model], !targets.isEmpty, !model.hasSuffix("/*") {
            return Route(alias: model, targets: targets, rest: nil)
        }
        let wildcard = aliases
            .filter { $0.hasSuffix("/*") && model.hasPrefix($0.dropLast()) && model.count > $0.count - 1 }
            .max { $0.count < $1.count }
        guard let wildcard, let targets = routes[wildcard], !targets.isEmpty else {
            throw .modelNotFound(ProviderErrorDetails(
                provider: "gateway", status: 404, message: "The model `\(model)` does not exist; this gateway serves: \(aliases.joined(separator: ", "))",
                code: "model_not_found"))
        }
        let rest = String(model.dropFirst(wildcard.count - 1))
        if let allowed = allowLists[wildcard], !allowed.contains(where: { Glob.matches($0, rest) }) {
            throw .modelNotFound(ProviderErrorDetails(
                provider: "gateway", status: 404,
                message: "The model `\(model)` is not allowed: `\(wildcard)` serves \(allowed.joined(separator: ", "))", code: "model_not_found"))
        }
        return Route(alias: wildcard, targets: targets, rest: rest)
    }

    /// Clients see the alias they asked for, not the upstream's model name. Events that name no model are left as they
    /// are (not copied back).
    static func renameModel(in event: inout StreamEvent, to alias: String) {
        switch event {
        case .start(let id, _): event = .start(id: id, model: alias)
        case .finish(let stopReason, let usage, _): event = .finish(stopReason: stopReason, usage: usage, model: alias)
        default: break
        }
    }
}

/// Shell-style patterns with `*` (any run of characters, `/` included), for allow-lists.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count > 1 else { return pattern == text }
        guard text.hasPrefix(pieces[0]), text.hasSuffix(pieces[pieces.count - 1]),
            text.count >= pieces[0].count + pieces[pieces.count - 1].count
        else { return false }
        var rest = text.dropFirst(pieces[0].count).dropLast(pieces[pieces.count - 1].count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}
