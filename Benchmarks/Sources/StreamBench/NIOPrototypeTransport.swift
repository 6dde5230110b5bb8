import Foundation
import LLM
import NIOCore
import NIOHTTP1
import NIOPosix

/// The `own` layer's transport: a PROTOTYPE of an HTTP/1.1 client of our own straight on SwiftNIO, to measure
/// what `provider.stream()` would cost over one instead of AsyncHTTPClient. Not a replacement: plain `http`
/// only, a new connection per request, no pool, TLS, proxy, backpressure or time limits.
///
/// The body parts of one socket read are joined into one buffer and handed to the reading task once, at
/// `channelReadComplete` (the SSE and NDJSON framing take any split), so the task hand-over is paid per
/// read, not per part.
struct NIOPrototypeTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        guard let url = URL(string: request.url), url.scheme == "http", let host = url.host, let port = url.port else {
            throw LLMError.network(reason: "the prototype transport takes http://host:port URLs only")
        }
        let (body, chunks) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let head: HTTPResponseHead = try await withCheckedThrowingContinuation { continuation in
            let handler = PrototypeHandler(head: continuation, chunks: chunks)
            let connected = ClientBootstrap(group: AsyncHTTPClientTransport.eventLoopGroup)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: port)
            connected.whenFailure { handler.fail($0) }
            connected.whenSuccess { channel in
                let target = url.query.map { url.path + "?" + $0 } ?? url.path
                var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: target, headers: request.headers)
                head.headers.replaceOrAdd(name: "host", value: host)
                head.headers.replaceOrAdd(name: "content-length", value: String(request.body?.readableBytes ?? 0))
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if let payload = request.body { channel.write(HTTPClientRequestPart.body(.byteBuffer(payload)), promise: nil) }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        return TransportResponse(status: Int(head.status.code), headers: head.headers, body: TransportBody(body))
    }
}

/// One response: the head for `send`, then the body, a joined buffer per socket read.
private final class PrototypeHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var head: CheckedContinuation<HTTPResponseHead, any Error>?
    private let chunks: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private var pending: ByteBuffer?

    init(head: CheckedContinuation<HTTPResponseHead, any Error>, chunks: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        self.head = head
        self.chunks = chunks
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            head?.resume(returning: response)
            head = nil
        case .body(var part):
            if pending == nil {
                pending = part
            } else {
                pending!.writeBuffer(&part)
            }
        case .end:
            handOver()
            chunks.finish()
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handOver()
    }

    private func handOver() {
        guard let buffer = pending else { return }
        pending = nil
        chunks.yield(buffer)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(LLMError.network(reason: "connection closed"))
    }

    /// Ends the exchange with `error` (after a complete body the stream has finished, so it is ignored).
    func fail(_ error: any Error) {
        head?.resume(throwing: error)
        head = nil
        chunks.finish(throwing: error)
    }
}
