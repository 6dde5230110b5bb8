import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection of the generator, and what it reports of each response.
enum Connection {
    enum Event {
        case firstByte
        case finished(status: Int)
        case failed
    }

    static func open(_ target: Target, on loop: EventLoop, report: @escaping @Sendable (Event) -> Void) async throws -> Channel {
        try await ClientBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseReader(report: report))
                }
            }
            .connect(host: target.host, port: target.port).get()
    }

    /// Writes one request; call on the channel's event loop.
    static func send(_ target: Target, on channel: Channel) {
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path, headers: target.headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(target.body)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }
}

/// Reports a response's first body byte and its end (or the connection's failure).
final class ResponseReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let report: @Sendable (Connection.Event) -> Void
    private var status = 0
    private var sawBody = false

    init(report: @escaping @Sendable (Connection.Event) -> Void) {
        self.report = report
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            sawBody = false
        case .body:
            if !sawBody {
                sawBody = true
                report(.firstByte)
            }
        case .end:
            if !sawBody { report(.firstByte) }
            report(.finished(status: status))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        report(.failed)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
    }
}
