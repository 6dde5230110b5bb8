import NIOCore
import NIOHTTP1

/// The response to a ``TransportRequest``: its head, and a body that is still streaming.
public struct TransportResponse: Sendable {
    /// The HTTP status code, e.g. `200`.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The body, delivered chunk by chunk as it arrives from the network.
    public var body: TransportBody

    /// Creates a response, e.g. in a fake transport.
    public init(status: Int, headers: HTTPHeaders = [:], body: TransportBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
