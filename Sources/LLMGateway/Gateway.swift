import Hummingbird
import LLM
import Logging
import NIOCore

/// The gateway as a Hummingbird application: OpenAI's, Anthropic's, Gemini's and Ollama's endpoints in front of the configured model
/// aliases, `GET /health`, `GET /ready` and `GET /metrics` (Prometheus), and one access-log line a request. Run it under swift-service-lifecycle with ``run()``, or put
/// ``application(onServerRunning:)`` in a `ServiceGroup` of your own.
public struct Gateway: Sendable {
    public let configuration: GatewayConfiguration
    let router: ModelRouter
    let logger: Logger
    /// What `GET /metrics` serves.
    public let metrics: GatewayMetrics
    let accessLogger: Logger

    /// - Parameters:
    ///   - logger: the server's logger.
    ///   - accessLogger: where the line a request goes; `nil` gives `llm.gateway.access` at `logger`'s level.
    ///   - metrics: where the gateway's and its upstream calls' metrics go (a new registry unless one is given).
    public init(
        configuration: GatewayConfiguration, environment: [String: String], transport: any HTTPTransport = NIOHTTPTransport.shared,
        logger: Logger = Logger(label: "llm.gateway"), accessLogger: Logger? = nil, metrics: GatewayMetrics = GatewayMetrics()
    ) throws(GatewayConfigurationError) {
        try configuration.validate(environment: environment)
        self.configuration = configuration
        router = try ModelRouter(configuration: configuration, environment: environment, transport: transport, metrics: metrics)
        self.logger = logger
        self.accessLogger = accessLogger ?? {
            var access = Logger(label: "llm.gateway.access")
            access.logLevel = logger.logLevel
            return access
        }()
        self.metrics = metrics
    }

    /// The Hummingbird application; `onServerRunning` learns the bound port (useful with port 0).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let routes = Router(context: GatewayRequestContext.self)
        routes.add(middleware: AccessLogMiddleware(observer: GatewayObserver(metrics: metrics, logger: accessLogger)))
        routes.get("/health") { _, _ in "ok" }
        routes.get("/ready") { _, _ in "ready" }
        routes.get("/metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        OpenAIRoutes(router: router, maxBodyBytes: configuration.maxBodyBytes).add(to: routes)
        AnthropicRoutes(router: router, maxBodyBytes: configuration.maxBodyBytes).add(to: routes)
        OllamaRoutes(router: router, maxBodyBytes: configuration.maxBodyBytes).add(to: routes)
        GeminiRoutes(router: router, maxBodyBytes: configuration.maxBodyBytes).add(to: routes)
        let address = GatewayAddress(configuration.listen) ?? GatewayAddress("127.0.0.1:4000")!
        return Application(
            router: routes, configuration: .init(address: .hostname(address.host, port: address.port), serverName: "llm-gateway"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then lets requests in flight finish.
    public func run() async throws {
        try await application().runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
