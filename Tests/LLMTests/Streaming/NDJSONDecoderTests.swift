import Foundation
import LLM
import NIOCore
import Testing

/// Decodes a whole NDJSON transcript fed in chunks of `chunkSize`, lines as Strings.
private func lines(_ transcript: String, _ chunkSize: Int) -> [String] {
    decodeAll(transcript, chunkSize: chunkSize, as: NDJSONDecoder.self)
}

@Suite("NDJSONDecoder")
struct NDJSONDecoderTests {
    @Test(arguments: chunkSizes)
    func ollamaTranscript(chunkSize: Int) throws {
        let objects = [
            #"{"model":"llama3.2","created_at":"2024-10-01T12:00:00.1Z","message":{"role":"assistant","content":"Hel"},"done":false}"#,
            #"{"model":"llama3.2","created_at":"2024-10-01T12:00:00.2Z","message":{"role":"assistant","content":"lo ✨"},"done":false}"#,
            #"{"model":"llama3.2","created_at":"2024-10-01T12:00:00.3Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":2}"#,
        ]
        let result = lines(objects.map { $0 + "\n" }.joined(), chunkSize)
        #expect(result == objects)

        // The lines are whole JSON documents.
        struct Chunk: Decodable {
            struct Message: Decodable { var content: String }
            var message: Message
            var done: Bool
        }
        let decoded = try result.map { try JSONDecoder().decode(Chunk.self, from: Data($0.utf8)) }
        #expect(decoded.map(\.message.content).joined() == "Hello ✨")
        #expect(decoded.map(\.done) == [false, false, true])
    }

    @Test(arguments: chunkSizes)
    func crlfLineEnds(chunkSize: Int) {
        #expect(lines("{\"a\":1}\r\n{\"b\":2}\r\n", chunkSize) == [#"{"a":1}"#, #"{"b":2}"#])
    }

    @Test(arguments: chunkSizes)
    func blankAndWhitespaceLinesAreSkipped(chunkSize: Int) {
        let transcript = "\n\n{\"a\":1}\n   \n\t\r\n\r\n{\"b\":2}\n\n \t \n"
        #expect(lines(transcript, chunkSize) == [#"{"a":1}"#, #"{"b":2}"#])
    }

    /// Only a CR right before LF is stripped; other whitespace and lone CRs are kept.
    @Test(arguments: chunkSizes)
    func lineContentIsKept(chunkSize: Int) {
        let transcript = "  {\"a\": 1}  \n{\"b\":\r2}\n{\"c\":3}\r\r\n"
        #expect(lines(transcript, chunkSize) == ["  {\"a\": 1}  ", "{\"b\":\r2}", "{\"c\":3}\r"])
    }

    @Test(arguments: chunkSizes)
    func lastLineWithoutNewline(chunkSize: Int) {
        var decoder = NDJSONDecoder()
        let early = feed(Array("{\"a\":1}\n{\"b\":2}".utf8), chunkSize: chunkSize, into: &decoder)
        #expect(early == [#"{"a":1}"#])
        #expect(decoder.finish().map { String(buffer: $0) } == #"{"b":2}"#)
        #expect(decoder.finish() == nil)  // nothing left for a second finish
    }

    @Test(arguments: chunkSizes)
    func finishWithBlankOrCRTail(chunkSize: Int) {
        #expect(lines("{\"a\":1}\n  \t", chunkSize) == [#"{"a":1}"#])
        #expect(lines("{\"a\":1}\n{\"b\":2}\r", chunkSize) == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(lines("", chunkSize) == [])
    }

    @Test(arguments: chunkSizes)
    func multiByteUTF8(chunkSize: Int) {
        let line = #"{"response":"héllo 世界 🎉 👩‍👩‍👧"}"#
        #expect(lines(line + "\n" + line, chunkSize) == [line, line])
    }

    @Test func multiByteUTF8SplitAtEveryByte() {
        let line = #"{"response":"héllo 世界 🎉"}"#
        let bytes = Array((line + "\r\n\n" + line + "\n").utf8)
        for index in 0...bytes.count {
            #expect(decodeSplit(bytes, at: index, as: NDJSONDecoder.self) == [line, line], "split at \(index)")
        }
    }

    @Test func linesAreExactByteSlices() {
        var decoder = NDJSONDecoder()
        let out = decoder.decode(makeChunk(Array("{\"a\":1}\r\n{\"b\":22}\n".utf8)))
        #expect(out.map(\.readableBytes) == [7, 8])
        #expect(out.map { Array($0.readableBytesView) } == [Array(#"{"a":1}"#.utf8), Array(#"{"b":22}"#.utf8)])
    }

    @Test func randomChunkingsAgree() {
        let transcript = "{\"a\":\"é\"}\r\n\n  \n{\"b\":[1,2]}\n{\"c\":\"世🎉\"}\r\n{\"d\":null}"
        let bytes = Array(transcript.utf8)
        let expected = [#"{"a":"é"}"#, #"{"b":[1,2]}"#, #"{"c":"世🎉"}"#, #"{"d":null}"#]
        var rng = SplitMix64(seed: 0xD1CE)
        for _ in 0..<300 {
            var decoder = NDJSONDecoder()
            var result: [String] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int(rng.next() % 9))  // includes empty chunks
                result += decoder.decodeChunk(makeChunk(bytes[start..<end]))
                start = end
            }
            result += decoder.finishStream()
            #expect(result == expected)
        }
    }
}
