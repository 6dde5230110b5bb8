import Foundation
import LLM
import NIOCore
import NIOHTTP1
import NIOPosix

/// The `nio` layer: the body read by SwiftNIO's own HTTP/1.1 codec, with no HTTP client library.
///
/// A floor for any Swift client on SwiftNIO (AsyncHTTPClient, or one of our own): the socket reads, the
/// chunked-encoding parser and one pipeline hop per body part, counted on the event loop. Nothing is
/// handed to another task, nothing parsed.
enum BareNIOReader {
    static func read(url: String) async throws -> Tally {
        guard let parsed = URL(string: url), parsed.scheme == "http", let host = parsed.host, let port = parsed.port else {
            throw BareNIOError.unsupportedURL
        }
        let done = AsyncHTTPClientTransport.eventLoopGroup.next().makePromise(of: Tally.self)
        let channel = try await ClientBootstrap(group: AsyncHTTPClientTransport.eventLoopGroup)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(CountingHandler(done: done))
                }
            }
            .connect(host: host, port: port).get()
        let target = parsed.query.map { parsed.path + "?" + $0 } ?? parsed.path
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
        head.headers = ["host": host, "content-type": "application/json", "content-length": "2"]
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "{}"))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let tally = try await done.futureResult.get()
        try await channel.close()
        return tally
    }

    /// Counts the body parts of one response, then completes `done`.
    private final class CountingHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let done: EventLoopPromise<Tally>
        var tally = Tally()

        init(done: EventLoopPromise<Tally>) { self.done = done }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: break
            case .body(let chunk):
                tally.items += 1
                tally.bytes += chunk.readableBytes
            case .end: done.succeed(tally)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { done.fail(error) }
        /// Also after `.end`, when the reader closes the channel: a promise completes once, so that fail is a no-op.
        func channelInactive(context: ChannelHandlerContext) { done.fail(BareNIOError.closedEarly) }
    }

    enum BareNIOError: Error { case unsupportedURL, closedEarly }
}
