import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP/1.1 server on 127.0.0.1 that answers with scripted responses, for testing the faults a
/// real server cannot be made to produce: slow heads, stalls mid-body, dropped connections.
///
/// It records every request and counts connections, so a test can check that a client closed its
/// connection (for example after cancelling). Shut it down with ``shutdown()``.
///
/// ```swift
/// let server = try await StubHTTPServer.start { request in
///     .init(actions: [.send("a"), .pause(.milliseconds(50)), .send("b")])
/// }
/// defer { Task { try await server.shutdown() } }
/// ```
public final class StubHTTPServer: Sendable {
    /// Produces the response script for a request. Called once per request, in a task of its own.
    public typealias Handler = @Sendable (StubRequest) async -> StubResponse

    /// The port the server listens on.
    public let port: Int
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    struct State {
        var requests: [StubRequest] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
        var totalConnections = 0
        var bodyBytesWritten = 0
        var responders: [Int: Task<Void, Never>] = [:]
        var nextResponderID = 0
        var isShutDown = false
    }

    /// Starts a server on an ephemeral port of 127.0.0.1; with `tls`, it speaks HTTPS (its ``baseURL`` then names
    /// `localhost`, the name test certificates are usually made for).
    public static func start(tls: NIOSSLContext? = nil, _ handler: @escaping Handler) async throws -> StubHTTPServer {
        let state = NIOLockedValueBox(State())
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    Self.connectionOpened(channel, state: state)
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        StubConnectionHandler(handler: handler, state: state)
                    )
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close().get()
            throw ChannelError.unknownLocalAddress
        }
        return StubHTTPServer(port: port, usesTLS: tls != nil, channel: channel, state: state)
    }

    private let usesTLS: Bool

    private init(port: Int, usesTLS: Bool, channel: any Channel, state: NIOLockedValueBox<State>) {
        self.port = port
        self.usesTLS = usesTLS
        self.channel = channel
        self.state = state
    }

    /// `"http://127.0.0.1:PORT"` (`"https://localhost:PORT"` with TLS), to which a test appends a path.
    public var baseURL: String { usesTLS ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)" }

    /// Every request received so far, in order of arrival.
    public var requests: [StubRequest] { state.withLockedValue { $0.requests } }

    /// How many client connections are open now.
    public var openConnections: Int { state.withLockedValue { $0.connections.count } }

    /// How many client connections were ever accepted.
    public var totalConnections: Int { state.withLockedValue { $0.totalConnections } }

    /// How many body bytes of all responses the server has handed to its sockets so far. A write waits while the
    /// socket's buffers are full, so a client that stops reading holds this back.
    public var bodyBytesWritten: Int { state.withLockedValue { $0.bodyBytesWritten } }

    /// Waits until exactly `count` connections are open, checking every 10 ms.
    ///
    /// - Returns: `true` once the count is reached, `false` if `timeout` passed first.
    public func waitForOpenConnections(_ count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if openConnections == count { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until at least `count` requests have arrived, checking every 10 ms.
    ///
    /// - Returns: `true` once they have, `false` if `timeout` passed first.
    public func waitForRequests(_ count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if requests.count >= count { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Closes every open connection, as a server whose keep-alive limit ran out does; it goes on listening.
    public func closeAllConnections() {
        for connection in state.withLockedValue({ Array($0.connections.values) }) {
            connection.close(promise: nil)
        }
    }

    /// Stops listening, closes every connection and stops every response still playing.
    public func shutdown() async throws {
        let (connections, responders) = state.withLockedValue { state in
            state.isShutDown = true
            return (Array(state.connections.values), Array(state.responders.values))
        }
        try? await channel.close().get()
        for connection in connections {
            try? await connection.close().get()
        }
        for responder in responders {
            responder.cancel()
            await responder.value
        }
    }

    // MARK: Bookkeeping shared with the connection handler

    private static func connectionOpened(_ channel: any Channel, state: NIOLockedValueBox<State>) {
        let id = ObjectIdentifier(channel)
        let accepted = state.withLockedValue { state in
            guard !state.isShutDown else { return false }
            state.connections[id] = channel
            state.totalConnections += 1
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        // A client that closes its end makes NIO read EOF and close the channel.
        channel.closeFuture.whenComplete { _ in
            _ = state.withLockedValue { $0.connections.removeValue(forKey: id) }
        }
    }
}
