import Hummingbird
import NIOCore

/// The gateway's request context: Hummingbird's, plus the client's connection, whose closing cancels the upstream
/// call of a stream in progress.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Completes when the client's connection closes.
    let connectionClosed: EventLoopFuture<Void>

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        connectionClosed = source.channel.closeFuture
    }
}
