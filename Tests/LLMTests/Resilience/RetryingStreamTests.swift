import LLM
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// `RetryingStream.make(runner:open:)`, the stream every built-in provider returns: it decodes in the
/// reading task, retries invisibly before content, and never loses or repeats what it decoded.
@Suite struct RetryingStreamTests {
    @Test func nothingIsSentBeforeTheFirstRead() async throws {
        let opens = NIOLockedValueBox(0)
        let stream = RetryingStream.make(runner: RetryRunner(policy: .none)) { _ in
            opens.withLockedValue { $0 += 1 }
            return ScriptedBody.attempt(["start|text:Hi|finish"])
        }
        #expect(opens.withLockedValue { $0 } == 0)

        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == .start(id: "r1", model: "m"))
        #expect(opens.withLockedValue { $0 } == 1)
    }

    @Test func anAttemptWhoseDecoderIsReplacedDecodesWithTheNewOne() async throws {
        let stream = RetryingStream.make(runner: RetryRunner(policy: .none)) { _ in
            var replacement = ScriptedBody()
            _ = replacement.snapshot.append("Earlier ")
            var attempt = ScriptedBody.attempt(["start|text:Hi", "finish"])
            attempt.decoder = replacement
            #expect((attempt.decoder as? ScriptedBody)?.snapshot.isEmpty == false, "the getter gives the decoder set")
            return attempt
        }
        let events = try await collect(stream)

        #expect(events == [.start(id: "r1", model: "m"), .textDelta("Hi", snapshot: "Earlier Hi"), .finish(stopReason: .endTurn, usage: nil, model: "m")])
    }

    @Test func readingAnAttemptLeavesTheAttemptValueAsItWas() async throws {
        nonisolated(unsafe) let attempt = ScriptedBody.attempt(["start|text:Hi", "finish"])
        let stream = RetryingStream.make(runner: RetryRunner(policy: .none)) { _ in attempt }
        #expect(try await collect(stream).count == 3)

        #expect((attempt.decoder as? ScriptedBody)?.snapshot.isEmpty == true, "the stream decoded with a copy of its own")
    }

    @Test func aFailureBeforeContentIsRetriedWithoutShowingTheFirstAttempt() async throws {
        let clock = RecordingRetryClock()
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100), jitter: false)
        let stream = RetryingStream.make(runner: RetryRunner(policy: policy, clock: clock)) { attempt in
            attempt == 1 ? ScriptedBody.attempt(["start", "fail"]) : ScriptedBody.attempt(["start|text:Hi", "finish"])
        }

        let events = try await collect(stream)

        #expect(events == [.start(id: "r1", model: "m"), .textDelta("Hi", snapshot: "Hi"), .finish(stopReason: .endTurn, usage: nil, model: "m")])
        #expect(clock.delays == [.milliseconds(100)])
    }

    @Test func eventsDecodedBeforeAFailureAfterContentArriveBeforeTheError() async throws {
        let opens = NIOLockedValueBox(0)
        let stream = RetryingStream.make(runner: RetryRunner(policy: .default, clock: RecordingRetryClock())) { _ in
            opens.withLockedValue { $0 += 1 }
            // One chunk holds two texts and then a failure: both texts must arrive, then the error.
            return ScriptedBody.attempt(["start|text:A|text:B|fail"])
        }

        var texts: [String] = []
        let error = await llmError {
            for try await event in stream {
                if case .textDelta(let text, _) = event { texts.append(text) }
            }
        }

        #expect(texts == ["A", "B"])
        #expect(error == .network(reason: "scripted failure"))
        #expect(opens.withLockedValue { $0 } == 1, "content was shown, so the failure is not retried")
    }

    @Test func anAttemptThatEndsEmptyIsRetriedThenReportedAsEmpty() async throws {
        let opens = NIOLockedValueBox(0)
        let stream = RetryingStream.make(runner: RetryRunner(policy: RetryPolicy(maxAttempts: 2), clock: RecordingRetryClock())) { _ in
            opens.withLockedValue { $0 += 1 }
            return ScriptedBody.attempt(["start|finish"])
        }

        let error = await llmError { _ = try await collect(stream) }

        #expect(error == .emptyResponse(model: "m"))
        #expect(opens.withLockedValue { $0 } == 2)
    }

    @Test func droppingTheStreamReleasesTheBodyUnread() async throws {
        let (terminated, terminations) = AsyncStream.makeStream(of: Void.self)
        do {
            let (chunks, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
            continuation.onTermination = { _ in
                terminations.yield()
                terminations.finish()
            }
            continuation.yield(ByteBuffer(string: "start|text:Hi"))  // the rest never comes
            let body = TransportBody(chunks)
            let stream = RetryingStream.make(runner: RetryRunner(policy: .none)) { _ in
                StreamAttempt(body: body, decoder: ScriptedBody())
            }
            var iterator = stream.makeAsyncIterator()
            #expect(try await iterator.next() == .start(id: "r1", model: "m"))
        }

        // Bounded: a leaked body would never be released.
        let released = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var signals = terminated.makeAsyncIterator()
                return await signals.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(released, "the body was released, which cancels its request")
    }

    @Test func aReaderCancelledBetweenEventsSeesTheEndAndItsRequestIsReleased() async throws {
        let (terminated, terminations) = AsyncStream.makeStream(of: Void.self)
        let stream = RetryingStream.make(runner: RetryRunner(policy: .none)) { _ in
            let (chunks, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
            continuation.onTermination = { _ in
                terminations.yield()
                terminations.finish()
            }
            continuation.yield(ByteBuffer(string: "start|text:Hi|text:there"))  // the rest never comes
            return StreamAttempt(body: TransportBody(chunks), decoder: ScriptedBody())
        }

        let (first, afterCancel, again, released) = try await Task {
            var iterator = stream.makeAsyncIterator()
            let first = try await iterator.next()
            withUnsafeCurrentTask { $0?.cancel() }
            // Two decoded events are waiting, but a cancelled reader gets none of them.
            let afterCancel = try await iterator.next()
            let again = try await iterator.next()
            // The iterator is still alive here: the body was released by the cancellation, not by a drop.
            let released = await firstSignal(of: terminated, within: .seconds(5))
            return (first, afterCancel, again, released)
        }.value

        #expect(first == .start(id: "r1", model: "m"))
        #expect(afterCancel == nil)
        #expect(again == nil)
        #expect(released, "the body was released, which cancels its request")
    }
}

/// Whether `signals` yields within `limit` (waited for in a fresh task, so a cancelled caller still waits).
private func firstSignal(of signals: AsyncStream<Void>, within limit: Duration) async -> Bool {
    await Task.detached {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var iterator = signals.makeAsyncIterator()
                return await iterator.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }.value
}

/// A body of scripted chunks: each chunk is `|`-separated commands, `start`, `text:X`, `finish` (which ends
/// the reply) and `fail` (a retryable network error).
private struct ScriptedBody: StreamBodyDecoder {
    var snapshot = TextSnapshotBuilder()

    static func attempt(_ chunks: [String]) -> StreamAttempt {
        StreamAttempt(body: TransportBody(chunks: chunks.map { ByteBuffer(string: $0) }), decoder: ScriptedBody())
    }

    mutating func decode(_ chunk: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl {
        for command in String(buffer: chunk).split(separator: "|") {
            switch command {
            case "start": events.append(.start(id: "r1", model: "m"))
            case "finish": return .stop
            case "fail": throw LLMError.network(reason: "scripted failure")
            default:
                let text = String(command.dropFirst("text:".count))
                events.append(.textDelta(text, snapshot: snapshot.append(text)))
            }
        }
        return .continue
    }

    mutating func finish(into events: inout [StreamEvent]) throws {
        events.append(.finish(stopReason: .endTurn, usage: nil, model: "m"))
    }
}

private func collect(_ stream: LLMEventStream) async throws -> [StreamEvent] {
    var events: [StreamEvent] = []
    for try await event in stream { events.append(event) }
    return events
}
