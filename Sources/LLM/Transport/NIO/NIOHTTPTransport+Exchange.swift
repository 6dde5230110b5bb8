import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

extension NIOHTTPTransport {
    /// One request in flight: the handler on its connection's pipeline while the connection is lent to it, and
    /// the source its body's reader pulls from.
    ///
    /// The body parts of one socket read are joined into one buffer and handed to the reader at the read's end
    /// (`channelReadComplete`), so a reader is woken once per read, not once per part: the framing above takes
    /// any split. The time limits are timers on the event loop; no task runs beside the request.
    ///
    /// A complete response gives the connection back to the pool (unless either side asked to close it). A kept
    /// connection found closed before one byte of the request was written to it is replaced by a new one, once.
    /// Once the request has been written, it is never sent again here, whatever breaks: the server may have
    /// received it and started a generation (and a bill), so the caller's ``RetryPolicy`` alone decides, on the
    /// retryable `LLMError.network` it gets (as Go's net/http does for requests that are not idempotent). Any
    /// other end — a limit running out, the awaiting or reading task cancelled, the body dropped unread, a broken
    /// connection — closes it.
    final class Exchange: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundIn = HTTPClientRequestPart
        typealias OutboundOut = HTTPClientRequestPart

        /// Past this many unread bytes the connection stops reading the socket until the reader catches up.
        static let pauseBytes = 256 * 1024

        private let request: TransportRequest
        private let endpoint: HTTPEndpoint
        private let pool: HTTPConnectionPool

        // On the connection's event loop only.
        private var context: ChannelHandlerContext?
        private var partsOfThisRead: ByteBuffer?
        private var lastChunk = NIODeadline.now()
        private var keepsConnection = true
        private var requestSent = false
        /// The connection was kept from an earlier request and not one byte of this request has been written to
        /// it: if it turns out closed, the request can go on a new one without the server having seen it.
        private var mayRetryOnNewConnection = false
        private var readHeldBack = false
        private let started = NIODeadline.now()
        private var bytesReceived = 0
        private var connectionWasKept = false

        /// Guards `state` and every variable below. `state.paused` is set while a read of the socket is held back
        /// (see `read(context:)`).
        let lock = NIOLock()
        var state = ExchangeState<Void>()
        private var channel: (any Channel)?
        /// The first-byte and total timers, and the idle timer (re-armed in place, see `armIdleTimer`).
        private var timers: [Scheduled<Void>] = []
        private var idleTimer: Scheduled<Void>?

        private typealias HeldHead = ExchangeState<Void>.HeldHead

        init(request: TransportRequest, endpoint: HTTPEndpoint, pool: HTTPConnectionPool) {
            self.request = request
            self.endpoint = endpoint
            self.pool = pool
        }

        // MARK: Starting and stopping

        /// Sends the request on a connection from the pool; `head` is resumed with the response (or the error)
        /// once the head arrives.
        func start(head: UnsafeContinuation<TransportResponse, any Error>) {
            guard startWaitingForHead(head) else { return }
            let timers = requestTimers(request.timeouts, from: .now(), on: pool.anyEventLoop())
            let running = lock.withLock {
                self.timers += timers
                return state.phase.isRunning
            }
            guard running else {
                for timer in timers { timer.cancel() }
                return
            }
            connect(fresh: false)
        }

        private func connect(fresh: Bool) {
            pool.connection(to: endpoint, fresh: fresh).whenComplete { result in
                switch result {
                case .success(let lent): self.attach(to: lent)
                case .failure(let error): self.fail(LLMError(transportError: error))
                }
            }
        }

        /// Ends the exchange with `error` unless it has already ended: the awaiting `send` gets the error (or a
        /// held response, whose reader then gets it), so does a waiting reader, and the connection is closed.
        func fail(_ error: LLMError) {
            let taken = lock.withLock { () -> (ExchangeState<Void>.Failure, (any Channel)?, [Scheduled<Void>])? in
                guard let failure = state.fail(with: error) else { return nil }
                defer { (channel, timers, idleTimer) = (nil, [], nil) }
                return (failure, channel, timers + [idleTimer].compactMap { $0 })
            }
            guard let (failure, channel, timers) = taken else { return }
            pool.logger.debug("request failed", metadata: [
                "url": "\(TransportRequest.redacting(request.url))", "error": "\(error.kind)",
                "reason": "\(error.networkReason)", "elapsed_ms": "\(HTTPConnectionPool.milliseconds(since: started))",
            ])
            failure.head?.resume(throwing: error)
            // A held response is handed over as it is: its reader gets the chunks, then this error.
            failure.heldHead?.handOver()
            resumeWaitingReader()
            for timer in timers { timer.cancel() }
            channel?.close(promise: nil)
        }

        /// Puts this handler on the lent connection and writes the request. On the connection's event loop.
        private func attach(to lent: HTTPConnectionPool.Lent) {
            let channel = lent.channel
            let running = lock.withLock {
                guard state.phase.isRunning else { return false }
                self.channel = channel
                return true
            }
            guard running else {
                // Ended while the connection was being made or taken: it is unused, so it goes back.
                pool.release(channel, to: endpoint.origin)
                return
            }
            mayRetryOnNewConnection = lent.wasKept
            connectionWasKept = lent.wasKept
            keepsConnection = true
            requestSent = false
            do {
                try channel.pipeline.syncOperations.addHandler(self)
            } catch {
                // A kept connection that closed (and was torn down) after the pool lent it: nothing was written.
                if lent.wasKept, !channel.isActive, lock.withLock({ self.channel === channel && state.phase.isRunning }) {
                    lock.withLock { self.channel = nil }
                    mayRetryOnNewConnection = false
                    connect(fresh: true)
                    return
                }
                fail(LLMError(transportError: error))
            }
        }

        func handlerAdded(context: ChannelHandlerContext) {
            self.context = context
            guard context.channel.isActive else {
                connectionBroke(context: context, .network(reason: "connection closed by the server"))
                return
            }
            var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: endpoint.requestTarget, headers: request.headers)
            if !head.headers.contains(name: "host") {
                head.headers.add(name: "host", value: endpoint.hostHeader)
            }
            if !endpoint.origin.usesTLS, let authorization = endpoint.origin.proxy?.authorization {
                // Through a proxy in absolute form, the proxy reads the request itself (in a tunnel it never does).
                head.headers.replaceOrAdd(name: "proxy-authorization", value: authorization)
            }
            head.headers.remove(name: "transfer-encoding")
            if let body = request.body {
                head.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            } else if request.method != .GET && request.method != .HEAD {
                head.headers.replaceOrAdd(name: "content-length", value: "0")
            }
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) {
                keepsConnection = false
            }
            // From here on the server may receive the request: it is not sent again on another connection.
            mayRetryOnNewConnection = false
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body = request.body {
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            }
            let sent = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: sent)
            pool.logger.debug("request sent", metadata: logMetadata(context.channel, [
                "method": "\(request.method)", "url": "\(TransportRequest.redacting(request.url))",
                "body_bytes": "\(request.body?.readableBytes ?? 0)", "reused_connection": "\(connectionWasKept)",
            ]))
            let channel = context.channel
            sent.futureResult.whenComplete { result in
                guard self.lock.withLock({ self.channel === channel }) else { return }
                switch result {
                case .success: self.requestSent = true
                case .failure(let error): self.fail(LLMError(transportError: error))
                }
            }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if self.context === context { self.context = nil }
        }

        // MARK: Timers

        /// Reads move the idle deadline; rather than rescheduling per read, the timer re-reads it when it fires.
        private func armIdleTimer(on eventLoop: any EventLoop) {
            guard let idle = request.timeouts.idle.map(TimeAmount.init) else { return }
            let timer = eventLoop.scheduleTask(deadline: lastChunk + idle) {
                guard self.lock.withLock({ self.state.isStreaming }) else { return }
                if NIODeadline.now() >= self.lastChunk + idle {
                    self.fail(.timeout(.idle))
                } else {
                    self.armIdleTimer(on: eventLoop)
                }
            }
            let kept = lock.withLock {
                guard state.isStreaming else { return false }
                idleTimer = timer
                return true
            }
            if !kept { timer.cancel() }
        }

        // MARK: The connection's events (on its event loop)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                receivedHead(head, context: context)
            case .body(var part):
                if partsOfThisRead == nil {
                    partsOfThisRead = part
                } else {
                    partsOfThisRead!.writeBuffer(&part)
                }
            case .end:
                handOverThisRead()
                receivedEnd(context: context)
            }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            handOverThisRead()
            context.fireChannelReadComplete()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            connectionBroke(context: context, LLMError(transportError: error))
        }

        func channelInactive(context: ChannelHandlerContext) {
            connectionBroke(context: context, .network(reason: "connection closed by the server"))
            context.fireChannelInactive()
        }

        /// Fails the exchange, or sends the request on a new connection if the broken one was a kept one that
        /// none of the request was written to.
        private func connectionBroke(context: ChannelHandlerContext, _ error: LLMError) {
            enum Outcome { case anotherConnection, retry, fail }
            let outcome: Outcome = lock.withLock {
                // Once the exchange has ended or moved on, its old connection's news are old.
                guard self.channel === context.channel else { return .anotherConnection }
                guard mayRetryOnNewConnection, state.isWaitingForHead else { return .fail }
                self.channel = nil
                return .retry
            }
            switch outcome {
            case .anotherConnection:
                return
            case .fail:
                fail(error)
            case .retry:
                pool.logger.debug(
                    "kept connection found closed before the request was written: sending it on a new connection",
                    metadata: logMetadata(context.channel, [:]))
                mayRetryOnNewConnection = false
                self.context = nil
                context.close(promise: nil)
                connect(fresh: true)
            }
        }

        /// Holds back reading the socket while the reader is `pauseBytes` behind.
        func read(context: ChannelHandlerContext) {
            if lock.withLock({ state.paused != nil }) {
                readHeldBack = true
            } else {
                context.read()
            }
        }

        private func receivedHead(_ head: HTTPResponseHead, context: ChannelHandlerContext) {
            // Informational responses (100 Continue) precede the real one.
            guard head.status.code >= 200 || head.status == .switchingProtocols else { return }
            if head.status == .proxyAuthenticationRequired, let proxy = endpoint.origin.proxy, !endpoint.origin.usesTLS {
                // The proxy, not the model server, refused: said as such, and not mistaken for the provider's answer.
                fail(proxy.credentialsRefused)
                return
            }
            if !head.isKeepAlive { keepsConnection = false }
            let response = TransportResponse(
                status: Int(head.status.code), headers: head.headers,
                body: TransportBody(reader: BatchedBodyReader(source: self)))
            lastChunk = .now()
            let (started, awaiting): (Bool, UnsafeContinuation<TransportResponse, any Error>?) = lock.withLock {
                guard case .waitingForHead(let continuation?) = state.phase else { return (false, nil) }
                state.phase = .streaming
                if request.readsWholeBody {
                    state.heldHead = HeldHead(continuation: continuation, response: response)
                    return (true, nil)
                }
                return (true, continuation)
            }
            if started {
                armIdleTimer(on: context.eventLoop)
                pool.logger.debug("response head", metadata: logMetadata(context.channel, [
                    "status": "\(head.status.code)", "first_byte_ms": "\(HTTPConnectionPool.milliseconds(since: self.started))",
                ]))
            }
            awaiting?.resume(returning: response)
        }

        /// Hands the parts of this socket read to the reader as one chunk.
        private func handOverThisRead() {
            guard let chunk = partsOfThisRead else { return }
            partsOfThisRead = nil
            lastChunk = .now()
            bytesReceived &+= chunk.readableBytes
            let (wake, heldHead): (Bool, HeldHead?) = lock.withLock {
                guard state.isStreaming else { return (false, nil) }
                state.append(chunk)
                let readerWaits = state.waitingReader != nil
                guard state.unreadBytes >= Self.pauseBytes else { return (readerWaits, nil) }
                if let held = state.heldHead {
                    // A big body: the caller reads it as a stream after all.
                    state.heldHead = nil
                    return (readerWaits, held)
                }
                state.paused = ()
                return (readerWaits, nil)
            }
            heldHead?.handOver()
            if wake { resumeWaitingReader() }
        }

        private func receivedEnd(context: ChannelHandlerContext) {
            // The connection is let go first and the reader told of the end after, so that a caller's next request
            // finds the connection in the pool. Without a channel, a failure meanwhile cannot close it.
            let pendingTimers = lock.withLock { () -> [Scheduled<Void>]? in
                guard state.isStreaming else { return nil }
                self.channel = nil
                defer { (timers, idleTimer) = ([], nil) }
                return timers + [idleTimer].compactMap { $0 }
            }
            guard let pendingTimers else { return }
            for timer in pendingTimers { timer.cancel() }
            let channel = context.channel
            pool.logger.debug("response ended", metadata: logMetadata(channel, [
                "body_bytes": "\(bytesReceived)", "total_ms": "\(HTTPConnectionPool.milliseconds(since: started))",
                "keeps_connection": "\(keepsConnection && requestSent)",
            ]))
            // A kept connection must go on reading, so that it notices when the server closes it.
            readAgainIfHeldBack()
            guard keepsConnection && requestSent else {
                context.close(promise: nil)
                finish()
                return
            }
            let origin = endpoint.origin
            let pool = self.pool
            context.pipeline.syncOperations.removeHandler(context: context).whenComplete { result in
                if case .success = result {
                    pool.release(channel, to: origin)
                } else {
                    channel.close(promise: nil)
                }
                self.finish()
            }
        }

        /// Tells the reader that the body has ended, unless the exchange failed meanwhile.
        private func finish() {
            let ended = lock.withLock { () -> (HeldHead?)? in
                guard state.isStreaming else { return nil }
                state.phase = .finished
                defer { state.heldHead = nil }
                return state.heldHead
            }
            guard let heldHead = ended else { return }
            heldHead?.handOver()
            resumeWaitingReader()
        }

        /// A log line's metadata: the connection's, and `extra`.
        private func logMetadata(_ channel: any Channel, _ extra: Logger.Metadata) -> Logger.Metadata {
            HTTPConnectionPool.metadata(endpoint.origin, channel).merging(extra) { $1 }
        }

        /// Reads the socket again after a pause, if a read was held back. On the event loop.
        private func readAgainIfHeldBack() {
            guard readHeldBack, let context else { return }
            readHeldBack = false
            context.read()
        }
    }
}

extension NIOHTTPTransport.Exchange: StreamingExchange {
    /// Reads the socket again, on the event loop, if a read was held back.
    func resumeReading(_: Void) {
        guard let channel = lock.withLock({ channel }) else { return }
        channel.eventLoop.execute { self.readAgainIfHeldBack() }
    }
}
