import LLM

/// One routed stream's events, pulled by its reader: the first target's or, when a target fails with a retryable
/// error or cannot do what is asked (`unsupported`) before it has sent anything, the next one's (``ModelRouter``
/// draws the order). Pulled, not pumped by a task of its own: each open stream had one, with its frames, and the
/// memory of 1,000 held streams was a goal it missed. Handed over a batch at a time, all the upstream decoded in one
/// read, so that the gateway writes them to its client in one go.
///
/// Read by one task at a time, as any iterator is; dropping it drops the upstream stream, which cancels its call.
final class RoutedStream: StreamEventPuller, @unchecked Sendable {
    private let request: ChatRequest
    private let record: RequestRecord?
    private let router: ModelRouter
    private var route: ModelRouter.Route?
    private var order: [Int] = []
    /// Where in `order` the target that serves now is.
    private var position = 0
    private var upstream: LLMEventStream.AsyncIterator?
    private var delivered = false
    private var over = false

    init(_ request: ChatRequest, record: RequestRecord?, router: ModelRouter) {
        self.request = request
        self.record = record
        self.router = router
    }

    func next(into batch: inout [StreamEvent]) async throws {
        guard !over else { return }
        do {
            try await nextFromTargets(into: &batch)
        } catch {
            over = true
            throw LLMError(normalising: error)
        }
    }

    // What is done before and after the upstream's read is in functions of their own, never inlined: the stream is
    // read in the connection's task, which keeps the largest stack of frames it ever needed for the stream's life,
    // and inlined they made this function's frame 3.3 KiB.
    private func nextFromTargets(into batch: inout [StreamEvent]) async throws {
        let route = try self.route ?? resolve()
        while position < order.count {
            let index = order[position]
            // Taken out while it is read, so that its buffer has one owner (a copy left here made each refill copy it).
            var events = upstream.take() ?? start(route.targets[index], of: route)
            do {
                try await events.next(into: &batch)
                upstream = events
                received(&batch, from: index, of: route)
                return
            } catch {
                upstream = nil
                try failed(error, target: index, of: route)
            }
        }
        over = true
    }

    /// Notes a batch the target at `index` sent: its end (an empty batch), or its events, named after the alias.
    @inline(never)
    private func received(_ batch: inout [StreamEvent], from index: Int, of route: ModelRouter.Route) {
        guard !batch.isEmpty else {
            // A stream cut short by its reader's cancellation ends too, and says nothing of the target.
            if !Task.isCancelled { router.selection.succeeded(route.alias, target: index) }
            over = true
            return
        }
        delivered = true
        for slot in batch.indices { ModelRouter.renameModel(in: &batch[slot], to: request.model) }
    }

    /// Notes the failure of the target at `index`, and moves on to the next target, or throws the error when the
    /// stream cannot be handed over (it delivered events already, the error is not one to hand over, no target is left).
    @inline(never)
    private func failed(_ error: any Error, target index: Int, of route: ModelRouter.Route) throws(LLMError) {
        let error = LLMError(normalising: error)
        if error != .cancelled { router.selection.failed(route.alias, target: index, error: error) }
        guard !delivered, ModelRouter.handsOver(error), position < order.count - 1 else { throw error }
        position += 1
    }

    @inline(never)
    private func resolve() throws(LLMError) -> ModelRouter.Route {
        let route = try router.resolve(request.model)
        record?.update { $0.alias = route.alias }
        self.route = route
        order = router.selection.order(for: route.alias)
        return route
    }

    @inline(never)
    private func start(_ target: ModelRouter.Target, of route: ModelRouter.Route) -> LLMEventStream.AsyncIterator {
        let upstream = route.upstream(request, target: target, retryPolicy: router.retryPolicies[route.alias])
        record?.update {
            $0.provider = target.provider.name
            $0.upstreamModel = upstream.model
            $0.price = target.price(for: upstream.model)
        }
        return target.provider.stream(upstream).makeAsyncIterator()
    }
}
