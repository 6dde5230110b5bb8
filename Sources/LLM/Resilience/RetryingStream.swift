/// Builds a provider's event stream with retries that can never show the caller text twice.
///
/// Within an attempt, events that carry no content (start, usage, finish) are held back until the
/// first content event, so an attempt that fails before producing content, or finishes empty, is
/// retried invisibly. Once content has reached the caller a failure is thrown as it is (an
/// ``LLMError``, usually retryable): the caller decides.
public enum RetryingStream {
    /// A stream decoded in the task that reads it: each `next()` reads the body on until it has events.
    ///
    /// `open` sends attempt number `n` (from 1) and returns its streaming body with the decoder of its
    /// wire format. Nothing runs between the transport and the reader, so an event costs no task switch;
    /// nothing is sent before the first `next()`. Cancelling the reading task, or dropping the stream,
    /// cancels the request.
    public static func make(
        runner: RetryRunner, open: @escaping @Sendable (_ attemptNumber: Int) async throws -> StreamAttempt
    ) -> LLMEventStream {
        LLMEventStream(puller: RetryingEventSource(runner: runner, open: open))
    }

    /// A stream fed by a task that runs `attempt`, which emits events as it produces them: for sources
    /// that push (scripted replies, other SDKs). Cancelling the reading task, or dropping the stream,
    /// cancels that task.
    public static func make(
        runner: RetryRunner,
        attempt: @escaping @Sendable (_ attemptNumber: Int, _ emit: (StreamEvent) -> Void) async throws -> Void
    ) -> LLMEventStream {
        let (stream, continuation) = LLMEventStream.makeStream()
        let task = Task {
            do {
                try await run(runner: runner, attempt: attempt, continuation: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: LLMError(normalising: error))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func run(
        runner: RetryRunner, attempt: @Sendable (Int, (StreamEvent) -> Void) async throws -> Void,
        continuation: LLMEventStream.Continuation
    ) async throws {
        var number = 1
        while true {
            var gate = FirstContentGate()
            do {
                try Task.checkCancellation()
                try await attempt(number) { event in gate.pass(event) { continuation.yield($0) } }
                if gate.endedEmpty { throw LLMError.emptyResponse(model: gate.model) }
                gate.flush { continuation.yield($0) }
                return
            } catch {
                let error = LLMError(normalising: error)
                if gate.deliveredContent {
                    runner.logger.debug("not retried: the stream already delivered content", metadata: ["error": "\(error.kind)"])
                    throw error
                }
                guard let delay = runner.retryDelay(afterAttempt: number, error: error) else { throw error }
                do { try await runner.clock.sleep(for: delay) } catch { throw LLMError.cancelled }
                number += 1
            }
        }
    }
}

/// One attempt's reply as it starts streaming: its body, and the decoder of its wire format.
public struct StreamAttempt {
    public var body: TransportBody
    /// The decoder of the attempt's wire format.
    public var decoder: any StreamBodyDecoder {
        get { driver.decoder }
        set { driver = StreamDecoderDriver(newValue) }
    }
    /// How the stream calls `decoder`: built where its concrete type is known (see ``StreamDecoderDriver``).
    private(set) var driver: StreamDecoderDriver

    public init(body: TransportBody, decoder: some StreamBodyDecoder) {
        self.body = body
        driver = StreamDecoderDriver(decoder)
    }
}
