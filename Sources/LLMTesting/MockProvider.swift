import LLM
import NIOConcurrencyHelpers

/// A real ``LLMProvider`` that answers from a script, for your own tests.
///
/// ```swift
/// let mock = MockProvider(replies: [.text("Hello there"), .toolCall("get_weather", arguments: ["city": "Oslo"])])
/// let first = try await mock.complete(ChatRequest(model: "m", messages: [.user("hi")]))
/// #expect(first.content == "Hello there")
/// #expect(mock.requests.count == 1)
/// ```
///
/// Replies are used in order; when they run out, the last one repeats if `repeatLastReply` is set,
/// otherwise the call fails with ``LLMError/invalidRequest(_:)``.
public final class MockProvider: LLMProvider {
    public let name: String
    private let state: NIOLockedValueBox<State>
    private let repeatLastReply: Bool
    private let retryPolicy: RetryPolicy
    private let retryClock: any RetryClock

    private struct State {
        var replies: [MockReply]
        var next = 0
        var requests: [ChatRequest] = []
        var embeddingReplies: [MockEmbeddingReply] = []
        var nextEmbedding = 0
        var embeddingRequests: [EmbeddingRequest] = []
    }

    public init(
        name: String = "mock", replies: [MockReply], repeatLastReply: Bool = false, retryPolicy: RetryPolicy = .none,
        retryClock: any RetryClock = SystemRetryClock()
    ) {
        self.name = name
        self.state = NIOLockedValueBox(State(replies: replies))
        self.repeatLastReply = repeatLastReply
        self.retryPolicy = retryPolicy
        self.retryClock = retryClock
    }

    /// Every request received, in order (one per attempt when retrying).
    public var requests: [ChatRequest] { state.withLockedValue { $0.requests } }

    /// Every embedding request received, in order (one per attempt when retrying).
    public var embeddingRequests: [EmbeddingRequest] { state.withLockedValue { $0.embeddingRequests } }

    /// Adds answers to `embed` calls to the end of their script (kept apart from the chat replies). The last one
    /// repeats when `repeatLastReply` is set.
    public func enqueueEmbeddings(_ replies: MockEmbeddingReply...) {
        state.withLockedValue { $0.embeddingReplies += replies }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await RetryRunner(policy: request.retryPolicy ?? retryPolicy, clock: retryClock).run { _ in
            let reply = try self.state.withLockedValue { state in
                state.embeddingRequests.append(request)
                if state.nextEmbedding < state.embeddingReplies.count {
                    state.nextEmbedding += 1
                    return state.embeddingReplies[state.nextEmbedding - 1]
                }
                if self.repeatLastReply, let last = state.embeddingReplies.last { return last }
                throw LLMError.invalidRequest(ProviderErrorDetails(provider: self.name, message: "MockProvider has no scripted embeddings left"))
            }
            return try reply.response(to: request, provider: self.name)
        }
    }

    /// Adds replies to the end of the script.
    public func enqueue(_ replies: MockReply...) {
        state.withLockedValue { $0.replies += replies }
    }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try await RetryRunner(policy: request.retryPolicy ?? retryPolicy, clock: retryClock).complete { _ in
            try await self.play(request) { _ in }
        }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: RetryRunner(policy: request.retryPolicy ?? retryPolicy, clock: retryClock)) { _, emit in
            _ = try await self.play(request, emit: emit)
        }
    }

    public func listModels() async throws -> [ModelInfo] {
        [ModelInfo(id: "mock-model", ownedBy: name)]
    }

    private func nextReply(for request: ChatRequest) throws -> MockReply {
        try state.withLockedValue { state in
            state.requests.append(request)
            if state.next < state.replies.count {
                state.next += 1
                return state.replies[state.next - 1]
            }
            if repeatLastReply, let last = state.replies.last { return last }
            throw LLMError.invalidRequest(ProviderErrorDetails(provider: name, message: "MockProvider has no scripted reply left"))
        }
    }

    /// Streams one scripted reply through `emit` and returns the response it amounts to.
    private func play(_ request: ChatRequest, emit: (StreamEvent) -> Void) async throws -> LLMResponse {
        let reply = try nextReply(for: request)
        var accumulator = StreamAccumulator()
        func send(_ event: StreamEvent) async throws {
            if event.isStreamedChunk, reply.chunkDelay > .zero { try await Task.sleep(for: reply.chunkDelay) }
            accumulator.consume(event)
            emit(event)
        }
        for event in try MockScript.events(for: reply, request: request, provider: name) {
            if case .failure(let error) = event { throw error }
            if case .success(let event) = event { try await send(event) }
        }
        return try accumulator.response()
    }
}

extension StreamEvent {
    var isStreamedChunk: Bool {
        switch self {
        case .textDelta, .reasoningDelta, .toolCallDelta: true
        default: false
        }
    }
}
