import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// The connections of one ``NIOHTTPTransport``: it opens them (TCP, and TLS for `https`) and keeps those whose
/// response completed, per origin, for the next request to the same origin.
///
/// A connection is lent to one request at a time; the request's handler sits on its pipeline while it is lent.
/// A kept connection that the server closes leaves the pool at once; one unused for `idleTimeout` is closed.
final class HTTPConnectionPool: Sendable {

    private struct IdleConnection {
        let channel: any Channel
        let closer: Scheduled<Void>
    }

    private struct State {
        var idle: [HTTPEndpoint.Origin: [IdleConnection]] = [:]
        var isShutDown = false
        var tlsContext: NIOSSLContext?
        var tunnelTLSContext: NIOSSLContext?
    }

    private let group: any EventLoopGroup
    private let connectTimeout: TimeAmount
    /// How long a connection may wait unused in the pool.
    private let idleTimeout: TimeAmount
    /// How many unused connections are kept per origin; more are closed when their response ends.
    private let maxIdlePerOrigin: Int
    private let tlsConfiguration: TLSConfiguration
    private let state = NIOLockedValueBox(State())
    /// Where connections and the requests on them are logged.
    let logger: Logger

    init(
        group: any EventLoopGroup, connectTimeout: Duration, idleTimeout: Duration, maxIdlePerOrigin: Int,
        tlsConfiguration: TLSConfiguration, logger: Logger
    ) {
        self.logger = logger
        self.group = group
        self.connectTimeout = TimeAmount(connectTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
        self.maxIdlePerOrigin = maxIdlePerOrigin
        self.tlsConfiguration = tlsConfiguration
    }

    /// An event loop for timers that start before a connection is known.
    func anyEventLoop() -> any EventLoop { group.next() }

    /// A connection lent to one request.
    struct Lent {
        let channel: any Channel
        /// It served a request before: the server may have closed it while it was kept.
        let wasKept: Bool
    }

    /// A connection to `endpoint`'s origin, ready for a request: a kept one unless `fresh`, else a new one.
    /// The future completes on the connection's event loop.
    func connection(to endpoint: HTTPEndpoint, fresh: Bool = false) -> EventLoopFuture<Lent> {
        let origin = endpoint.origin
        let kept: IdleConnection? = fresh ? nil : state.withLockedValue { state in
            while let candidate = state.idle[origin]?.popLast() {
                if candidate.channel.isActive { return candidate }
                candidate.closer.cancel()
            }
            return nil
        }
        if let kept {
            kept.closer.cancel()
            logger.trace("connection reused", metadata: Self.metadata(origin, kept.channel))
            return kept.channel.eventLoop.makeSucceededFuture(Lent(channel: kept.channel, wasKept: true))
        }
        return connect(to: endpoint).map { Lent(channel: $0, wasKept: false) }
    }

    /// Takes back a connection whose response has completed and whose request handler has left its pipeline.
    /// Call on the connection's event loop.
    func release(_ channel: any Channel, to origin: HTTPEndpoint.Origin) {
        let closer = channel.eventLoop.scheduleTask(in: idleTimeout) { channel.close(promise: nil) }
        let kept = state.withLockedValue { state in
            guard !state.isShutDown, channel.isActive, state.idle[origin, default: []].count < maxIdlePerOrigin
            else { return false }
            state.idle[origin, default: []].append(IdleConnection(channel: channel, closer: closer))
            return true
        }
        if kept {
            logger.trace("connection kept", metadata: Self.metadata(origin, channel))
        } else {
            closer.cancel()
            channel.close(promise: nil)
        }
    }

    /// Which connection a log line is about; never credentials.
    static func metadata(_ origin: HTTPEndpoint.Origin, _ channel: any Channel) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "origin": "\(origin.usesTLS ? "https" : "http")://\(origin.host):\(origin.port)",
            "connection": "\(ObjectIdentifier(channel).hashValue)",
        ]
        if let proxy = origin.proxy { metadata["proxy"] = "\(proxy.address)" }
        return metadata
    }


    /// Closes the kept connections and keeps no more; connections lent out close when their response ends.
    func shutdown() {
        let idle = state.withLockedValue { state in
            state.isShutDown = true
            defer { state.idle = [:] }
            return state.idle.values.joined()
        }
        for connection in idle {
            connection.closer.cancel()
            connection.channel.close(promise: nil)
        }
    }

    // MARK: Opening connections

    private func connect(to endpoint: HTTPEndpoint) -> EventLoopFuture<any Channel> {
        let origin = endpoint.origin
        let eventLoop = group.next()
        let tlsContext: NIOSSLContext?
        // Through a tunnel the chain is verified by swift-nio-ssl, the name by TunnelledServerIdentity.
        let checksTunnelledName = origin.proxy != nil && tlsConfiguration.certificateVerification == .fullVerification
        do {
            tlsContext = origin.usesTLS ? try sharedTLSContext(checkingNames: !checksTunnelledName) : nil
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let started = NIODeadline.now()
        let handshake = tlsContext.map { _ in eventLoop.makePromise(of: Void.self) }
        let address = endpoint.connectAddress
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    guard let tlsContext, let handshake else {
                        try pipeline.addHTTPClientHandlers()
                        return
                    }
                    let startTLS: @Sendable (any Channel) throws -> Void = { channel in
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: endpoint.serverName))
                        try pipeline.addHandler(TLSHandshakeWatcher(handshake: handshake))
                        try pipeline.addHTTPClientHandlers()
                    }
                    if let proxy = origin.proxy {
                        // TLS goes to the real host, inside a tunnel the proxy opens first.
                        try ProxyTunnelHandler.add(to: channel, proxy: proxy, target: origin, failing: handshake, then: startTLS)
                    } else {
                        try startTLS(channel)
                    }
                }
            }
            .connect(host: address.host, port: address.port)
            .flatMapErrorThrowing { error in
                // Only a failure to reach the proxy (or of the tunnel, which says so itself) names it: a TLS
                // failure with the real host is that host's.
                guard let proxy = origin.proxy else { throw error }
                throw Self.namingProxy(proxy, LLMError(transportError: error))
            }
        let ready = handshake.map { handshake in
            connected.whenFailure { handshake.fail($0) }
            return connected.flatMap { channel in
                self.afterHandshake(
                    handshake, on: channel, deadline: started + self.connectTimeout,
                    verifyingName: checksTunnelledName ? origin.host : nil)
            }
        } ?? connected
        return ready.map { channel in
            channel.closeFuture.whenComplete { _ in self.forget(channel, origin: origin) }
            self.logger.debug(
                "connection opened",
                metadata: Self.metadata(origin, channel).merging(["connect_ms": "\(Self.milliseconds(since: started))"]) { $1 })
            return channel
        }.flatMapErrorThrowing { error in
            let failure = LLMError(transportError: error)
            self.logger.debug(
                "connection failed",
                metadata: ["host": "\(origin.host)", "port": "\(origin.port)", "error": "\(failure.kind)"])
            throw failure
        }
    }

    /// A failure to reach a proxy says so: the caller must not go looking for the fault at the model server.
    private static func namingProxy(_ proxy: HTTPProxy, _ error: LLMError) -> LLMError {
        guard case .network(let reason) = error, !reason.hasPrefix("proxy ") else { return error }
        return .network(reason: "proxy \(proxy.address): \(reason)")
    }

    /// The connection once its TLS handshake has succeeded; the connect timeout, counted from the start of the TCP
    /// connect, bounds the handshake too. A failed or late handshake closes the connection.
    private func afterHandshake(
        _ handshake: EventLoopPromise<Void>, on channel: any Channel, deadline: NIODeadline, verifyingName host: String?
    ) -> EventLoopFuture<any Channel> {
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            handshake.fail(ChannelError.connectTimeout(self.connectTimeout))
        }
        return handshake.futureResult.flatMapThrowing {
            timer.cancel()
            if let host {
                // On the event loop, before any request is written.
                let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
                try TunnelledServerIdentity.verify(tls.peerCertificate, host: host)
            }
            return channel
        }.flatMapErrorThrowing { error in
            timer.cancel()
            channel.close(promise: nil)
            throw error
        }
    }

    /// Built once, on the first `https` request: it loads the trust roots. `checkingNames: false` gives the same
    /// context without swift-nio-ssl's name check, for tunnels (see ``TunnelledServerIdentity``).
    private func sharedTLSContext(checkingNames: Bool = true) throws -> NIOSSLContext {
        try state.withLockedValue { state in
            if let context = checkingNames ? state.tlsContext : state.tunnelTLSContext { return context }
            var configuration = tlsConfiguration
            if !checkingNames { configuration.certificateVerification = .noHostnameVerification }
            let context = try NIOSSLContext(configuration: configuration)
            if checkingNames { state.tlsContext = context } else { state.tunnelTLSContext = context }
            return context
        }
    }

    /// Milliseconds from `start` to now, with a tenth, for logs.
    static func milliseconds(since start: NIODeadline) -> Double {
        Double((NIODeadline.now() - start).nanoseconds / 100_000) / 10
    }

    /// Drops a closed connection from the kept ones.
    private func forget(_ channel: any Channel, origin: HTTPEndpoint.Origin) {
        let closer: Scheduled<Void>? = state.withLockedValue { state in
            guard let index = state.idle[origin]?.firstIndex(where: { $0.channel === channel }) else { return nil }
            return state.idle[origin]?.remove(at: index).closer
        }
        closer?.cancel()
        logger.debug("connection closed", metadata: Self.metadata(origin, channel).merging(["was_kept": "\(closer != nil)"]) { $1 })
    }

    /// The connections kept for `origin` now, most recently kept last (for tests).
    func keptConnections(to origin: HTTPEndpoint.Origin) -> [any Channel] {
        state.withLockedValue { $0.idle[origin]?.map(\.channel) ?? [] }
    }
}

/// Completes a promise when the TLS handshake succeeds or fails, then leaves the pipeline.
private final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let handshake: EventLoopPromise<Void>

    init(handshake: EventLoopPromise<Void>) {
        self.handshake = handshake
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            handshake.succeed(())
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        handshake.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
