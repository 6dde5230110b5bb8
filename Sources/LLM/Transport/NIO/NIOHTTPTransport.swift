import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// An ``HTTPTransport`` straight on SwiftNIO: HTTP/1.1, with TLS from swift-nio-ssl for `https`.
///
/// It is the library's default. Compared with ``AsyncHTTPClientTransport`` it does what LLM calls need and no
/// more, and a streamed event costs about half the CPU (see `Benchmarks/`):
/// - connections are kept per origin and reused once their response has completed;
/// - `https` verifies the server's certificate against the system's trust roots (or the given configuration),
///   sends the host name for SNI and offers only `http/1.1` by ALPN;
/// - the body streams: ``send(_:)`` returns when the response head arrives, and the parts of each socket read
///   reach the reader as one chunk;
/// - the request's ``HTTPTimeouts`` are timers on the connection's event loop; the connect timeout (TCP and
///   TLS) is a setting of the transport;
/// - a limit running out, the task awaiting `send` or reading the body being cancelled, or the body dropped
///   unread closes the connection;
/// - past 256 KiB unread, the socket is not read until the reader catches up.
///
/// - a request goes through the proxy its ``TransportRequest/proxy`` settings name (by default the environment's
///   `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`): `http` targets in absolute form, `https` targets
///   through a `CONNECT` tunnel with TLS to the real host;
/// - a request is written once: only a kept connection found closed before any of it was written is replaced
///   (see ``RetryPolicy`` for sending again).
///
/// It does not follow redirects (LLM APIs do not send them to POSTs), speak HTTP/2 or ask for compressed bodies;
/// use ``AsyncHTTPClientTransport`` for those. Every failure is thrown as an ``LLMError``.
public final class NIOHTTPTransport: HTTPTransport {
    /// The process-wide transport every provider uses unless given another, with a 10-second connect timeout.
    /// It runs on ``AsyncHTTPClientTransport/eventLoopGroup``, the library's one I/O thread.
    public static let shared = NIOHTTPTransport(connectTimeout: .seconds(10))

    let pool: HTTPConnectionPool

    /// A transport with its own connections.
    ///
    /// - Parameters:
    ///   - connectTimeout: bounds each connection attempt, TCP and TLS; running out throws
    ///     `LLMError.timeout(.connect)`. A refused connection throws `LLMError.network` at once.
    ///   - idleConnectionTimeout: how long a connection whose response has completed is kept for the next
    ///     request. Keep it below the server's (or its load balancer's) own keep-alive limit.
    ///   - maxIdleConnectionsPerOrigin: how many such connections are kept per scheme, host and port; more are
    ///     closed. Connections in use are not limited: each open stream holds one.
    ///   - tlsConfiguration: for `https`; by default the system's trust roots with full verification.
    ///   - eventLoopGroup: where the connections run; by default the library's one I/O thread.
    ///   - logger: where connections (opened, kept, reused, closed) and requests (sent, answered, ended, with
    ///     bytes and timings) are logged, at debug and trace level. Header values and URL credentials never are.
    public init(
        connectTimeout: Duration = .seconds(10),
        idleConnectionTimeout: Duration = .seconds(60),
        maxIdleConnectionsPerOrigin: Int = 128,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = AsyncHTTPClientTransport.eventLoopGroup,
        logger: Logger = Logger(label: "llm.transport")
    ) {
        var tlsConfiguration = tlsConfiguration
        tlsConfiguration.applicationProtocols = ["http/1.1"]
        pool = HTTPConnectionPool(
            group: eventLoopGroup, connectTimeout: connectTimeout, idleTimeout: idleConnectionTimeout,
            maxIdlePerOrigin: maxIdleConnectionsPerOrigin, tlsConfiguration: tlsConfiguration, logger: logger)
    }

    /// Closes the connections kept for reuse; requests still running finish, and their connections close then.
    /// The transport can still send afterwards, on new connections that are not kept.
    public func shutdown() {
        pool.shutdown()
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var endpoint = try HTTPEndpoint(url: request.url)
        endpoint.origin.proxy = try request.proxy.proxy(for: endpoint.origin)
        // Said without the names and values: they may hold keys.
        guard request.headers.allSatisfy({ Self.isToken($0.name) }) else {
            throw LLMError.network(reason: "invalid header field names")
        }
        guard request.headers.allSatisfy({ !$0.value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 } }) else {
            throw LLMError.network(reason: "invalid header field values")
        }
        let exchange = Exchange(request: request, endpoint: endpoint, pool: pool)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                exchange.start(head: continuation)
            }
        } onCancel: {
            exchange.fail(.cancelled)
        }
    }

    /// The characters RFC 9110 does not allow in a header name besides controls and space: `"(),/:;<=>?@[\]{}`.
    private static let separators = Set("\"(),/:;<=>?@[\\]{}".utf8)

    /// A header name RFC 9110 allows: visible ASCII but no separator.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !separators.contains($0) }
    }
}

extension NIOHTTPTransport: CustomStringConvertible, CustomReflectable {
    public var description: String { "NIOHTTPTransport" }

    /// No children: the connections' pipelines hold the heads of requests in flight, whose headers carry keys.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}
