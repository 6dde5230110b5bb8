import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// An ``HTTPTransport`` on AsyncHTTPClient, for apps that need what the default ``NIOHTTPTransport`` does not
/// do: HTTP/2, proxies, redirects, or an `HTTPClient` of their own.
///
/// The body streams: ``send(_:)`` returns when the response head arrives. The transport itself
/// enforces the request's ``HTTPTimeouts`` (first byte, idle between chunks, total) with timers on
/// the connection's event loop, and cancels the request — closing its connection — when a limit runs
/// out, when the task awaiting `send` is cancelled, or when the task reading the body is
/// cancelled or drops it. Every failure is thrown as an ``LLMError``.
///
/// The connect timeout is a setting of the underlying `HTTPClient`: see
/// ``init(connectTimeout:decompression:logger:)``.
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// A process-wide transport on AsyncHTTPClient (providers default to ``NIOHTTPTransport/shared``): one client
    /// per process, made on first use and never shut down, set up like ``init(connectTimeout:decompression:logger:)`` with a 10-second connect timeout (and up to
    /// 1,024 concurrent HTTP/1.1 connections per host, since each open stream holds one).
    ///
    /// It does not use `HTTPClient.shared`, whose defaults suit LLM calls badly: it retries a refused
    /// connection for 90 seconds (a local server that is down would hang the caller that long) and
    /// ends any request silent for 90 seconds, whatever the request's own limits.
    public static let shared = AsyncHTTPClientTransport(connectTimeout: .seconds(10))

    /// The event loop of the clients this type creates: one thread, shared by them all and never shut down.
    ///
    /// AsyncHTTPClient runs a request's delegate on an event loop it picks before it picks a connection;
    /// when the connection lives on another loop, every part of the response crosses threads. With one
    /// loop nothing does (measured in `Benchmarks/`: on the default two-loop group of a two-core machine,
    /// `complete()` added about 500 µs at p99 over a bare AsyncHTTPClient call). One loop carries the I/O
    /// of thousands of LLM streams, whose parsing runs in the tasks that read them. Give
    /// ``init(client:logger:)`` a client on this group to get the same.
    public static let eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    private let client: HTTPClient
    private let ownsClient: Bool
    /// Given to AsyncHTTPClient with each request: it logs connections and requests at debug and trace level.
    private let logger: Logger

    /// A transport on a client the caller owns (and shuts down); `logger` is AsyncHTTPClient's for each request.
    public convenience init(client: HTTPClient, logger: Logger = Logger(label: "llm.transport")) {
        self.init(client: client, ownsClient: false, logger: logger)
    }

    /// A transport with its own `HTTPClient`, to be ended with ``shutdown()``.
    ///
    /// The client is set up like `HTTPClient.shared` except that:
    /// - it runs on ``eventLoopGroup``, one event loop;
    /// - `connectTimeout` bounds each connection attempt (TCP, and TLS for `https`); running
    ///   out throws `LLMError.timeout(.connect)`;
    /// - a failed connection attempt is not retried, so a refused connection throws
    ///   `LLMError.network` at once (retrying is left to the caller, who sees `isRetryable`);
    /// - there is no read timeout: the transport's idle timeout does that job per request;
    /// - it asks for no compression (AsyncHTTPClient's browser-like default adds `Accept-Encoding: gzip, deflate`
    ///   and a decompressor to every connection): LLM replies are small or streamed, and the library's own
    ///   transport does not compress either. A caller who wants compression passes `decompression:`.
    ///
    /// - Important: Call ``shutdown()`` before the transport is released; AsyncHTTPClient stops a
    ///   debug build whose client was never shut down.
    public convenience init(
        connectTimeout: Duration, decompression: HTTPClient.Decompression = .disabled,
        logger: Logger = Logger(label: "llm.transport")
    ) {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = decompression
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: TimeAmount(connectTimeout), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        // A stream holds its HTTP/1.1 connection for the whole reply; AsyncHTTPClient's default of 8
        // connections per host would queue the ninth concurrent stream to a local server (measured in
        // Benchmarks/: 8 of 1,000 streams opened in 10 s).
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1024
        let client = HTTPClient(eventLoopGroup: Self.eventLoopGroup, configuration: configuration, backgroundActivityLogger: logger)
        self.init(client: client, ownsClient: true, logger: logger)
    }

    private init(client: HTTPClient, ownsClient: Bool, logger: Logger) {
        self.client = client
        self.ownsClient = ownsClient
        self.logger = logger
    }

    /// Shuts down the client this transport created; does nothing for a shared or injected one.
    public func shutdown() async throws {
        guard ownsClient else { return }
        do {
            try await client.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {
            return
        }
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let clientRequest: HTTPClient.Request
        do {
            clientRequest = try HTTPClient.Request(
                url: request.url, method: request.method, headers: request.headers, body: request.body.map { .byteBuffer($0) })
        } catch {
            throw LLMError(transportError: error)
        }
        let exchange = Exchange(timeouts: request.timeouts, holdsHeadForBody: request.readsWholeBody)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                exchange.start(clientRequest, on: client, logger: logger, head: continuation)
            }
        } onCancel: {
            exchange.fail(.cancelled)
        }
    }
}

extension AsyncHTTPClientTransport: CustomStringConvertible, CustomReflectable {
    public var description: String { "AsyncHTTPClientTransport" }

    /// No children: the client's connections hold the heads of requests in flight, whose headers carry keys.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}
