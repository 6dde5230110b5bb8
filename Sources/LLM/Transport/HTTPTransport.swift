/// Sends HTTP requests: the one seam between the package and the network.
///
/// Providers talk to a transport, so tests can swap in a fake and apps can bring their own client.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns as soon as the response head (status and headers) has arrived.
    ///
    /// The body streams afterwards through ``TransportResponse/body``. The transport enforces
    /// ``TransportRequest/timeouts`` for the whole exchange, including while the body streams.
    ///
    /// - Throws: ``LLMError`` only: `.timeout`, `.network` or `.cancelled`.
    func send(_ request: TransportRequest) async throws -> TransportResponse
}
