import NIOConcurrencyHelpers
import NIOCore

/// Notices a client that closes its connection while the gateway answers it, so that a stream's upstream call stops
/// at once. Hummingbird reads nothing from a connection while it writes a response, but NIO goes on reading the
/// socket: the end of the client's input reaches this handler, in every connection's pipeline, as `inputClosed` (the
/// server allows half-closed connections) or as the connection going inactive.
///
/// A client that half-closes its side on purpose after its request (HTTP clients do not) is taken as gone too.
final class ClientDepartureHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var departed = false
    private var watcher: ClientDeparture?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { depart() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        depart()
        context.fireChannelInactive()
    }

    /// Called on the connection's event loop.
    fileprivate func watch(_ departure: ClientDeparture) {
        if departed { departure.clientLeft() } else { watcher = departure }
    }

    private func depart() {
        // Once: cancelling the stream closes the connection's input, which could bring another event here.
        guard !departed else { return }
        departed = true
        let watcher = self.watcher
        self.watcher = nil
        watcher?.clientLeft()
    }
}

/// One stream's watch on its client (see ``ClientDepartureHandler``): while armed, the client leaving runs the armed
/// cancellation. Cheaper than a task that waits for the client's end: a stream is read and written in the
/// connection's own task, with no other task beside it.
final class ClientDeparture: @unchecked Sendable {
    private let lock = NIOLock()
    // Guarded by `lock`.
    private var left = false
    private var armed: (() -> Void)?

    /// Watches `client`, a connection the gateway's server made (one without the handler is never noticed leaving).
    init(watching client: any Channel) {
        client.eventLoop.execute {
            if let handler = try? client.pipeline.syncOperations.handler(type: ClientDepartureHandler.self) {
                handler.watch(self)
            } else if !client.isActive {
                // Closed before this ran: NIO took the handler out of the pipeline with the connection.
                self.clientLeft()
            }
        }
    }

    /// Runs `body` in the current task, which the client leaving cancels: at once if it left already.
    func cancellingCurrentTask<Value>(_ body: () async throws -> Value) async rethrows -> Value {
        // The task is only ever cancelled while armed, and `disarm` (under the same lock) runs before this function
        // returns, so the task outlives every use of its unsafe reference.
        withUnsafeCurrentTask { task in arm { task?.cancel() } }
        defer { disarm() }
        return try await body()
    }

    /// Arms `cancel`, or runs it at once if the client left already.
    private func arm(_ cancel: @escaping () -> Void) {
        lock.withLock {
            if left { cancel() } else { armed = cancel }
        }
    }

    private func disarm() {
        lock.withLock { armed = nil }
    }

    fileprivate func clientLeft() {
        // Under the lock, so that nothing is cancelled after `disarm` returned.
        lock.withLock {
            left = true
            armed?()
            armed = nil
        }
    }
}
