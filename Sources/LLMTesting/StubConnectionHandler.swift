import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects each request of a connection, then plays its response script in a task.
final class StubConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: StubHTTPServer.Handler
    private let state: NIOLockedValueBox<StubHTTPServer.State>
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    /// Responders of this connection, stopped when it closes so their pauses end early.
    private var responders: [Task<Void, Never>] = []

    init(handler: @escaping StubHTTPServer.Handler, state: NIOLockedValueBox<StubHTTPServer.State>) {
        self.handler = handler
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = StubRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers,
                body: String(decoding: body.readableBytesView, as: UTF8.self)
            )
            respond(to: request, on: context.channel)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        for responder in responders { responder.cancel() }
        responders.removeAll()
        context.fireChannelInactive()
    }

    private func respond(to request: StubRequest, on channel: any Channel) {
        let handler = self.handler
        let state = self.state
        // Registered under the lock it removes itself under, so it cannot finish unregistered.
        let responder = state.withLockedValue { registry in
            registry.requests.append(request)
            let id = registry.nextResponderID
            registry.nextResponderID += 1
            let responder = Self.startResponder(id: id, request: request, handler: handler, state: state, channel: channel)
            registry.responders[id] = responder
            return responder
        }
        responders.append(responder)
    }

    private static func startResponder(
        id: Int,
        request: StubRequest,
        handler: @escaping StubHTTPServer.Handler,
        state: NIOLockedValueBox<StubHTTPServer.State>,
        channel: any Channel
    ) -> Task<Void, Never> {
        Task {
            let response = await handler(request)
            await play(response, on: channel, state: state)
            state.withLockedValue { _ = $0.responders.removeValue(forKey: id) }
        }
    }

    /// Plays a script; stops quietly when the client goes away or the server shuts down.
    private static func play(_ response: StubResponse, on channel: any Channel, state: NIOLockedValueBox<StubHTTPServer.State>) async {
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: response.headers
        )
        var headSent = false
        do {
            script: for action in response.actions {
                switch action {
                case .head:
                    if !headSent { try await write(.head(head), to: channel) }
                    headSent = true
                case .sendBytes(let bytes):
                    if !headSent { try await write(.head(head), to: channel) }
                    headSent = true
                    try await write(.body(.byteBuffer(ByteBuffer(bytes: bytes))), to: channel)
                    state.withLockedValue { $0.bodyBytesWritten += bytes.count }
                case .pause(let duration):
                    try await Task.sleep(for: duration)
                case .closeConnection:
                    try? await channel.close().get()
                    return
                case .resetConnection:
                    if let options = channel as? any SocketOptionProvider {
                        try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                    }
                    try? await channel.close().get()
                    return
                case .end:
                    break script
                }
            }
            if !headSent { try await write(.head(head), to: channel) }
            try await write(.end(nil), to: channel)
        } catch {
            // The client closed the connection, or the server is shutting down.
        }
    }

    private static func write(_ part: HTTPServerResponsePart, to channel: any Channel) async throws {
        try await channel.writeAndFlush(part).get()
    }
}
