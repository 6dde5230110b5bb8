import LLM
import NIOCore
import Testing

@Suite("TransportBody")
struct TransportBodyTests {
    @Test func collectsChunksInOrder() async throws {
        let body = TransportBody(chunks: [ByteBuffer(string: "ab"), ByteBuffer(string: "cd")])
        #expect(String(buffer: try await body.collect(upTo: 4)) == "abcd")
    }

    @Test func collectRefusesALongerBody() async throws {
        let body = TransportBody(chunks: [ByteBuffer(string: "ab"), ByteBuffer(string: "cd")])
        let error = await llmError { _ = try await body.collect(upTo: 3) }
        guard case .malformedResponse = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
    }

    @Test func streamErrorsBecomeLLMErrors() async throws {
        struct Unexpected: Error {}
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        continuation.finish(throwing: Unexpected())
        let error = await llmError { _ = try await TransportBody(stream).collect(upTo: 10) }
        #expect(error?.isNetwork == true)

        let (cancelled, cancelledContinuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        cancelledContinuation.finish(throwing: CancellationError())
        #expect(await llmError { _ = try await TransportBody(cancelled).collect(upTo: 10) } == .cancelled)

        let (timedOut, timedOutContinuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        timedOutContinuation.finish(throwing: LLMError.timeout(.idle))
        #expect(await llmError { _ = try await TransportBody(timedOut).collect(upTo: 10) } == .timeout(.idle))
    }

    @Test func readingInACancelledTaskThrowsCancelled() async throws {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        let body = TransportBody(stream)
        let reader = Task { for try await _ in body {} }
        reader.cancel()
        #expect(await llmError { try await reader.value } == .cancelled)
        continuation.finish()
    }

    @Test func aListOfChunksStopsAtTheFirstReadInACancelledTask() async throws {
        let body = TransportBody(chunks: [ByteBuffer(string: "ab"), ByteBuffer(string: "cd")])
        let (first, error) = try await Task {
            var iterator = body.makeAsyncIterator()
            let first = try await iterator.next()
            withUnsafeCurrentTask { $0?.cancel() }
            let error = await llmError { _ = try await iterator.next() }
            return (first.map { String(buffer: $0) }, error)
        }.value
        #expect(first == "ab")
        #expect(error == .cancelled)
    }
}
