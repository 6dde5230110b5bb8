@testable import LLM
import LLMTesting
import NIOCore
import Testing

/// `TransportBody.AsyncIterator.nextIfBuffered()`, with which a stream decodes the chunks of a socket read in
/// one pass: it never waits, and mixed with `next()` it loses, repeats or reorders nothing.
@Suite("Taking buffered chunks")
struct BufferedChunkTests {
    @Test func aListHandsOutItsChunksInOrderMixedWithNext() async throws {
        var iterator = TransportBody(chunks: ["a", "b", "c", "d"].map { ByteBuffer(string: $0) }).makeAsyncIterator()
        var taken: [ByteBuffer?] = []
        taken.append(try await iterator.next())
        taken.append(iterator.nextIfBuffered())
        taken.append(try await iterator.next())
        taken.append(iterator.nextIfBuffered())
        #expect(taken.map { $0.map { String(buffer: $0) } } == ["a", "b", "c", "d"])
        #expect(iterator.nextIfBuffered() == nil)
        #expect(try await iterator.next() == nil)
    }

    @Test func aStreamNeverHandsOutWithoutWaiting() async throws {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        continuation.yield(ByteBuffer(string: "a"))
        continuation.finish()
        var iterator = TransportBody(stream).makeAsyncIterator()
        #expect(iterator.nextIfBuffered() == nil, "a stream's chunks are only read by next()")
        #expect(try await iterator.next() == ByteBuffer(string: "a"))
    }

    @Test func aCancelledTaskGetsNothingAndNextSaysWhy() async throws {
        let outcome = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var iterator = TransportBody(chunks: [ByteBuffer(string: "a")]).makeAsyncIterator()
            let buffered = iterator.nextIfBuffered()
            let error = await llmError { _ = try await iterator.next() }
            return (buffered, error)
        }.value
        #expect(outcome.0 == nil)
        #expect(outcome.1 == .cancelled)
    }

    @Test(arguments: TransportUnderTest.allCases)
    func anHTTPBodyReadByBothWaysArrivesWholeAndInOrder(_ kind: TransportUnderTest) async throws {
        let pieces = (0..<300).map { "\($0)," }
        let server = try await StubHTTPServer.start { _ in StubResponse(actions: pieces.map { .send($0) }) }
        defer { shut(server) }

        let response = try await kind.shared.send(TransportRequest(method: .GET, url: server.baseURL + "/many"))
        var iterator = response.body.makeAsyncIterator()
        var text = ""
        while true {
            if let chunk = iterator.nextIfBuffered() {
                text += String(buffer: chunk)
            } else if let chunk = try await iterator.next() {
                text += String(buffer: chunk)
            } else {
                break
            }
        }
        #expect(text == pieces.joined())
    }
}
