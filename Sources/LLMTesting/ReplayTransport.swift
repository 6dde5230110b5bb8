import LLM
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// An ``HTTPTransport`` that answers from recorded responses, without a network: for testing a
/// provider's request mapping and its decoding of exact wire bytes, fed in chosen chunk sizes.
public final class ReplayTransport: HTTPTransport {
    /// One recorded answer.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]
        /// The body is delivered in pieces of this many bytes (1 catches framing bugs).
        public var chunkSize: Int
        /// Fail the body with this error after delivering it (a connection that broke).
        public var failure: LLMError?

        public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8], chunkSize: Int = .max, failure: LLMError? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.chunkSize = max(1, chunkSize)
            self.failure = failure
        }

        public init(status: Int = 200, headers: HTTPHeaders = [:], body: String, chunkSize: Int = .max, failure: LLMError? = nil) {
            self.init(status: status, headers: headers, body: Array(body.utf8), chunkSize: chunkSize, failure: failure)
        }
    }

    private let state: NIOLockedValueBox<(replies: [Reply], requests: [TransportRequest])>

    public init(_ replies: [Reply]) {
        state = NIOLockedValueBox((replies, []))
    }

    /// The requests sent so far, in order.
    public var requests: [TransportRequest] { state.withLockedValue { $0.requests } }

    /// The JSON bodies of the requests sent so far.
    public var requestBodies: [JSONValue] {
        requests.compactMap { request in
            request.body.flatMap { try? JSONValue(parsing: String(buffer: $0)) }
        }
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let reply: Reply = try state.withLockedValue { state in
            state.requests.append(request)
            guard !state.replies.isEmpty else {
                throw LLMError.network(reason: "ReplayTransport has no recorded reply left")
            }
            return state.replies.removeFirst()
        }
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        var offset = 0
        while offset < reply.body.count {
            let end = min(reply.body.count, offset + min(reply.chunkSize, reply.body.count - offset))
            continuation.yield(ByteBuffer(bytes: reply.body[offset..<end]))
            offset = end
        }
        if let failure = reply.failure {
            continuation.finish(throwing: failure)
        } else {
            continuation.finish()
        }
        return TransportResponse(status: reply.status, headers: reply.headers, body: TransportBody(stream))
    }
}
