import NIOCore
import NIOHTTP1

/// Opens a `CONNECT` tunnel through an HTTP proxy on a new connection, then hands the connection to `then`
/// (which starts TLS with the real host) after taking itself and its HTTP codec off the pipeline.
///
/// A refusal fails `failing`, the promise the connection's opener waits on: `407` as
/// `LLMError.authentication` naming the proxy, any other status or a closed connection as `LLMError.network`
/// naming it. The proxy's credentials go in the `CONNECT` request only; they are never in an error.
final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let proxy: HTTPProxy
    private let target: HTTPEndpoint.Origin
    private let failing: EventLoopPromise<Void>
    private let then: @Sendable (any Channel) throws -> Void
    private let codec: [any RemovableChannelHandler]
    private var status: HTTPResponseStatus?
    private var finished = false

    /// Puts the handler and the HTTP codec it speaks `CONNECT` with on `channel`'s pipeline (in its initializer).
    static func add(
        to channel: any Channel, proxy: HTTPProxy, target: HTTPEndpoint.Origin, failing: EventLoopPromise<Void>,
        then: @escaping @Sendable (any Channel) throws -> Void
    ) throws {
        let encoder = HTTPRequestEncoder()
        let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
        let tunnel = ProxyTunnelHandler(proxy: proxy, target: target, failing: failing, then: then, codec: [encoder, decoder])
        try channel.pipeline.syncOperations.addHandlers([encoder, decoder, tunnel])
    }

    private init(
        proxy: HTTPProxy, target: HTTPEndpoint.Origin, failing: EventLoopPromise<Void>,
        then: @escaping @Sendable (any Channel) throws -> Void, codec: [any RemovableChannelHandler]
    ) {
        self.proxy = proxy
        self.target = target
        self.failing = failing
        self.then = then
        self.codec = codec
    }

    /// `host:port` of the real server, as `CONNECT` names it.
    private var authority: String {
        target.host.contains(":") ? "[\(target.host)]:\(target.port)" : "\(target.host):\(target.port)"
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers: HTTPHeaders = ["host": authority]
        if let authorization = proxy.authorization {
            headers.add(name: "proxy-authorization", value: authorization)
        }
        let head = HTTPRequestHead(version: .http1_1, method: .CONNECT, uri: authority, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
        case .body:
            break
        case .end:
            guard let status, (200..<300).contains(status.code) else {
                fail(refusal(status), context: context)
                return
            }
            finished = true
            // The tunnel is open: from here on the bytes are the real server's. TLS starts once the codec has left
            // the pipeline (a decoder may finish leaving later), so that none of its bytes pass through it; the
            // server says nothing before TLS's first message, so nothing is lost in between.
            let channel = context.channel
            let failing = self.failing
            let then = self.then
            let pipeline = context.pipeline.syncOperations
            let removed = (codec.map { pipeline.removeHandler($0) } + [pipeline.removeHandler(context: context)])
            EventLoopFuture.andAllSucceed(removed, on: channel.eventLoop).whenComplete { result in
                do {
                    try result.get()
                    try then(channel)
                } catch {
                    failing.fail(LLMError(transportError: error))
                    channel.close(promise: nil)
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.network(reason: "proxy \(proxy.address): \(LLMError(transportError: error).networkReason)"), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.network(reason: "proxy \(proxy.address) closed the connection before the tunnel to \(authority) was open"), context: context)
        context.fireChannelInactive()
    }

    private func refusal(_ status: HTTPResponseStatus?) -> LLMError {
        guard let status else { return .network(reason: "proxy \(proxy.address) gave no answer to CONNECT") }
        if status == .proxyAuthenticationRequired { return proxy.credentialsRefused }
        let message = "proxy \(proxy.address) refused the tunnel to \(authority) (HTTP \(status.code) \(status.reasonPhrase))"
        // A refusal (403: not allowed there) will not change on a retry; a proxy's 5xx (the host unreachable) may.
        guard status.code >= 500 else {
            return .permissionDenied(ProviderErrorDetails(provider: "proxy \(proxy.address)", status: Int(status.code), message: message))
        }
        return .network(reason: message)
    }

    private func fail(_ error: LLMError, context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        failing.fail(error)
        context.close(promise: nil)
    }
}

extension LLMError {
    /// The reason of a network error, or the error's kind otherwise: for messages that wrap another error.
    var networkReason: String {
        if case .network(let reason) = self { return reason }
        return kind
    }
}
