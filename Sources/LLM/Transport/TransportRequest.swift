import NIOCore
import NIOHTTP1

/// One HTTP request as a transport sends it.
public struct TransportRequest: Sendable {
    /// The HTTP method; `POST` unless told otherwise.
    public var method: HTTPMethod
    /// The absolute URL, e.g. `"https://api.openai.com/v1/chat/completions"`.
    public var url: String
    /// The request headers. They may hold API keys: transports never put them in errors or logs.
    public var headers: HTTPHeaders
    /// The request body, if any.
    public var body: ByteBuffer?
    /// The time limits the transport enforces for this request.
    public var timeouts: HTTPTimeouts
    /// A hint that the caller reads the whole body at once (a non-streamed reply): the transport may then
    /// hand over the response only when its body has arrived, saving a wake-up of the caller per chunk.
    /// It never changes what the caller sees; a transport may ignore it.
    public var readsWholeBody: Bool
    /// The proxy to go through; by default the one the process's environment names (`HTTPS_PROXY`...).
    /// ``NIOHTTPTransport`` honours it; ``AsyncHTTPClientTransport`` uses its `HTTPClient`'s own proxy instead.
    public var proxy: ProxySettings

    /// Creates a request.
    public init(
        method: HTTPMethod = .POST,
        url: String,
        headers: HTTPHeaders = [:],
        body: ByteBuffer? = nil,
        timeouts: HTTPTimeouts = .default,
        readsWholeBody: Bool = false,
        proxy: ProxySettings = .processEnvironment
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.readsWholeBody = readsWholeBody
        self.proxy = proxy
    }
}
