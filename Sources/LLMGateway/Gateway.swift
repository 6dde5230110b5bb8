import Foundation
import Hummingbird
import LLM
import Logging
import NIOCore
import UnixSignals

/// The gateway as a Hummingbird application: OpenAI's, Anthropic's, Gemini's and Ollama's endpoints in front of the configured model
/// aliases, `GET /health`, `GET /ready` and `GET /metrics` (Prometheus), and one access-log line a request. Run it under swift-service-lifecycle with ``run()``, or put
/// ``application(onServerRunning:)`` in a `ServiceGroup` of your own.
public struct Gateway: Sendable {
    let live: LiveConfiguration
    let transport: any HTTPTransport
    let logger: Logger
    /// What `GET /metrics` serves.
    public let metrics: GatewayMetrics
    let accessLogger: Logger
    /// The SHA-256 of the admin API's key; nil: no admin API.
    let masterKeyHash: String?

    /// A gateway with the store its configuration names opened (and migrated).
    public static func open(
        configuration: GatewayConfiguration, environment: [String: String], logger: Logger = Logger(label: "llm.gateway")
    ) async throws -> Gateway {
        try configuration.validate(environment: environment)
        return try Gateway(configuration: configuration, environment: environment, logger: logger, store: try await openStore(configuration.store))
    }

    /// The store at `location`, opened and migrated; nil for none.
    public static func openStore(_ location: GatewayConfiguration.StoreLocation?) async throws -> (any GatewayStore)? {
        switch location {
        case .sqlite(let path)?: try await SQLiteGatewayStore.open(path: path)
        case .postgres(let url)?: try await PostgresGatewayStore.open(url: url)
        case nil: nil
        }
    }

    /// - Parameters:
    ///   - logger: the server's logger.
    ///   - accessLogger: where the line a request goes; `nil` gives `llm.gateway.access` at `logger`'s level.
    ///   - metrics: where the gateway's and its upstream calls' metrics go (a new registry unless one is given).
    ///   - store: the store the configuration names, opened (``open(configuration:environment:logger:)`` opens it).
    public init(
        configuration: GatewayConfiguration, environment: [String: String], transport: any HTTPTransport = NIOHTTPTransport.shared,
        logger: Logger = Logger(label: "llm.gateway"), accessLogger: Logger? = nil, metrics: GatewayMetrics = GatewayMetrics(),
        store: (any GatewayStore)? = nil
    ) throws(GatewayConfigurationError) {
        try configuration.validate(environment: environment)
        if configuration.store != nil && store == nil {
            throw GatewayConfigurationError("store: the configuration names a store; open it first (Gateway.open does)")
        }
        live = LiveConfiguration(
            .init(
                configuration: configuration,
                router: try ModelRouter(configuration: configuration, environment: environment, transport: transport, metrics: metrics)),
            access: GatewayAccess(store: store, allowAnonymous: configuration.allowAnonymous, reservationHold: configuration.reservationHoldSeconds))
        masterKeyHash = configuration.masterKeyEnv.flatMap { environment[$0] }.map(GatewayKeySecret.hash)
        self.transport = transport
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
        routes.add(middleware: AccessLogMiddleware(observer: GatewayObserver(metrics: metrics, logger: accessLogger), live: live))
        routes.add(middleware: KeyAuthenticationMiddleware(live: live))
        routes.get("/health") { _, _ in "ok" }
        // Ready: the configuration is loaded (it is, or the gateway would not have started) and the store answers.
        routes.get("/ready") { [live] _, _ in
            guard let store = live.access.store else { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready"))) }
            do {
                try await store.ping()
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready")))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "the store cannot be reached")))
            }
        }
        routes.get("/metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        OpenAIRoutes(live: live).add(to: routes)
        AnthropicRoutes(live: live).add(to: routes)
        OllamaRoutes(live: live).add(to: routes)
        GeminiRoutes(live: live).add(to: routes)
        if let masterKeyHash, let store = live.access.store {
            AdminRoutes(administration: KeyAdministration(store: store), masterKeyHash: masterKeyHash, keys: live.access.keys).add(to: routes)
        }
        let configuration = self.configuration
        let address = GatewayAddress(configuration.listen) ?? GatewayAddress("127.0.0.1:4000")!
        return Application(
            router: routes, server: .http1(configuration: .init(additionalChannelHandlers: [ClientDepartureHandler()])),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "llm-gateway"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The configuration in force.
    public var configuration: GatewayConfiguration { live.current.configuration }

    /// Serves `configuration` from now on: new requests see its aliases and targets, requests in flight finish with the
    /// ones they started with. A configuration that does not validate is refused and the one in force kept. The
    /// address and port cannot change while serving: a new `listen` is refused (restart to move).
    ///
    /// - Throws: `GatewayConfigurationError` saying what is wrong; nothing changed.
    public func reload(_ configuration: GatewayConfiguration, environment: [String: String]) throws(GatewayConfigurationError) {
        let current = live.current.configuration
        guard configuration.listen == current.listen else {
            throw GatewayConfigurationError("listen: the gateway serves \(current.listen); a new address needs a restart")
        }
        guard configuration.store == current.store, configuration.masterKeyEnv == current.masterKeyEnv,
            configuration.allowAnonymous == current.allowAnonymous, configuration.reservationHoldSeconds == current.reservationHoldSeconds
        else {
            throw GatewayConfigurationError("store, master_key_env, allow_anonymous and reservation_hold_s cannot change while serving; restart to change them")
        }
        try configuration.validate(environment: environment)
        let router = try ModelRouter(configuration: configuration, environment: environment, transport: transport, metrics: metrics)
        live.replace(with: .init(configuration: configuration, router: router))
    }

    /// Serves until SIGTERM or SIGINT, then lets requests in flight finish. With `reload`, SIGHUP reads the
    /// configuration again (``reload(_:environment:)``): a bad one is logged and refused, and the old one kept.
    public func run(reload load: (@Sendable () throws -> GatewayConfiguration)? = nil) async throws {
        // Trapped before the server starts: SIGHUP's default action ends the process.
        let hangups = load == nil ? nil : await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let load, let hangups {
                group.addTask {
                    for await _ in hangups {
                        do {
                            let configuration = try load()
                            try reload(configuration, environment: ProcessInfo.processInfo.environment)
                            logger.notice("configuration reloaded", metadata: ["aliases": "\(configuration.models.map(\.name).joined(separator: ","))"])
                        } catch {
                            logger.error("configuration refused; the old one stays in force", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
            try await application().runService(gracefulShutdownSignals: [.sigterm, .sigint])
            group.cancelAll()
        }
    }
}
