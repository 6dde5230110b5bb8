import LLM
import NIOConcurrencyHelpers
import NIOCore

/// The `decode` layer's transport: the first request to a URL goes to the server through the library's
/// transport and its body's chunks are kept, exactly as they came; later requests to the URL get those
/// chunks again from memory. `provider.stream()` over it costs the library's parsing and event delivery
/// without any network or HTTP client.
final class RecordedTransport: HTTPTransport {
    private let recorded = NIOLockedValueBox<[String: [ByteBuffer]]>([:])

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if let chunks = recorded.withLockedValue({ $0[request.url] }) {
            return TransportResponse(status: 200, headers: ["content-type": "text/event-stream"], body: TransportBody(chunks: chunks))
        }
        let response = try await AsyncHTTPClientTransport.shared.send(request)
        var chunks: [ByteBuffer] = []
        for try await chunk in response.body { chunks.append(chunk) }
        recorded.withLockedValue { $0[request.url] = chunks }
        return TransportResponse(status: response.status, headers: response.headers, body: TransportBody(chunks: chunks))
    }
}
