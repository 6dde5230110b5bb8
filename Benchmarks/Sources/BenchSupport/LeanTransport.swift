import AsyncHTTPClient
import LLM
import NIOCore

/// A PROTOTYPE of the transport change proposed in the benchmark report, to measure its gain; not a
/// replacement: it enforces no idle or total limit and maps every failure to `.network`.
///
/// Unlike `AsyncHTTPClientTransport` it starts no task per request (no driver task, no task group,
/// no watchdog sleeping beside the request) and copies no chunk into an `AsyncThrowingStream` fed by
/// a pump task: the caller's task runs the request, and the body's iterator pulls straight from
/// AsyncHTTPClient's body (`AsyncThrowingStream(unfolding:)` runs in the reading task).
public struct LeanTransport: HTTPTransport {
    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var clientRequest = HTTPClientRequest(url: request.url)
        clientRequest.method = request.method
        clientRequest.headers = request.headers
        if let body = request.body { clientRequest.body = .bytes(body) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(clientRequest, timeout: .seconds(120))
        } catch {
            throw LLMError.network(reason: "\(error)")
        }
        let reader = BodyReader(response.body.makeAsyncIterator())
        let chunks = AsyncThrowingStream<ByteBuffer, any Error>(unfolding: { try await reader.next() })
        return TransportResponse(status: Int(response.status.code), headers: response.headers, body: TransportBody(chunks))
    }
}

/// The body's iterator, read by one task at a time (the one iterating the `TransportBody`).
private final class BodyReader: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> ByteBuffer? {
        var copy = iterator
        defer { iterator = copy }
        do {
            return try await copy.next()
        } catch {
            throw LLMError.network(reason: "\(error)")
        }
    }
}
