import Foundation
import LLM
import NIOCore
import Testing

/// Decodes a whole SSE transcript fed in chunks of `chunkSize`.
private func sse(_ transcript: String, _ chunkSize: Int) -> [ServerSentEvent] {
    decodeAll(transcript, chunkSize: chunkSize, as: SSEDecoder.self)
}

/// Feeds a transcript in chunks and returns the decoder after `finish()`, with the events.
private func finished(_ transcript: String, _ chunkSize: Int) -> (SSEDecoder, [ServerSentEvent], [ServerSentEvent]) {
    var decoder = SSEDecoder()
    let events = feed(Array(transcript.utf8), chunkSize: chunkSize, into: &decoder)
    let tail = decoder.finish()
    return (decoder, events, tail)
}

@Suite("SSEDecoder")
struct SSEDecoderTests {
    // MARK: Line ends

    @Test(arguments: chunkSizes)
    func lfLineEnds(chunkSize: Int) {
        #expect(sse("data: a\n\ndata: b\n\n", chunkSize) == [.init(data: "a"), .init(data: "b")])
    }

    @Test(arguments: chunkSizes)
    func crLineEnds(chunkSize: Int) {
        #expect(sse("data: a\r\rdata: b\r\r", chunkSize) == [.init(data: "a"), .init(data: "b")])
    }

    @Test(arguments: chunkSizes)
    func crlfLineEnds(chunkSize: Int) {
        #expect(sse("data: a\r\n\r\ndata: b\r\n\r\n", chunkSize) == [.init(data: "a"), .init(data: "b")])
    }

    /// If CR and LF counted as two line ends, the blank line between them would dispatch "a" alone.
    @Test(arguments: chunkSizes)
    func crlfIsOneLineEnd(chunkSize: Int) {
        #expect(sse("data: a\r\ndata: b\r\n\r\n", chunkSize) == [.init(data: "a\nb")])
    }

    @Test func crlfSplitAcrossChunks() {
        var decoder = SSEDecoder()
        #expect(decoder.decode(makeChunk(Array("data: a\r".utf8))) == [])
        #expect(decoder.decode(makeChunk(Array("\ndata: b\r".utf8))) == [])
        #expect(decoder.decode(ByteBuffer()) == [])  // an empty chunk must not lose the pending CR
        #expect(decoder.decode(makeChunk(Array("\n\r".utf8))) == [.init(data: "a\nb")])
        #expect(decoder.decode(makeChunk(Array("\ndata: c\n\n".utf8))) == [.init(data: "c")])
    }

    @Test(arguments: chunkSizes)
    func mixedLineEnds(chunkSize: Int) {
        let transcript = "data: a\rdata: b\ndata: c\r\n\nevent: e\r\ndata: d\r\r\n\n"
        #expect(sse(transcript, chunkSize) == [.init(data: "a\nb\nc"), .init(event: "e", data: "d")])
    }

    // MARK: Fields

    @Test(arguments: chunkSizes)
    func multiLineData(chunkSize: Int) {
        let transcript = "data: first\ndata: second\ndata:\ndata: fourth\n\n"
        #expect(sse(transcript, chunkSize) == [.init(data: "first\nsecond\n\nfourth")])
    }

    @Test(arguments: chunkSizes)
    func commentsAreIgnored(chunkSize: Int) {
        let transcript = ": keep-alive\n\n:no space\ndata: x\n: between data lines\ndata: y\n\n:\n\n"
        #expect(sse(transcript, chunkSize) == [.init(data: "x\ny")])
    }

    @Test(arguments: chunkSizes)
    func eventTypeAppliesToOneEvent(chunkSize: Int) {
        let transcript = "event: update\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\nevent: a\nevent: b\ndata: 4\n\n"
        #expect(sse(transcript, chunkSize) == [
            .init(event: "update", data: "1"),
            .init(data: "2"),
            .init(data: "3"),  // an empty event type means "message"
            .init(event: "b", data: "4"),
        ])
    }

    @Test(arguments: chunkSizes)
    func idPersistsAcrossEvents(chunkSize: Int) {
        let transcript = "data: a\n\nid: 1\ndata: b\n\ndata: c\n\nid\ndata: d\n\n"
        let (decoder, events, _) = finished(transcript, chunkSize)
        #expect(events == [
            .init(data: "a", id: nil),
            .init(data: "b", id: "1"),
            .init(data: "c", id: "1"),
            .init(data: "d", id: ""),  // "id" without colon sets an empty ID
        ])
        #expect(decoder.lastEventID == "")
    }

    @Test(arguments: chunkSizes)
    func idContainingNULIsIgnored(chunkSize: Int) {
        let transcript = "id: 7\ndata: a\n\nid: 8\u{0}9\ndata: b\n\n"
        let (decoder, events, _) = finished(transcript, chunkSize)
        #expect(events == [.init(data: "a", id: "7"), .init(data: "b", id: "7")])
        #expect(decoder.lastEventID == "7")
    }

    /// The last event ID is committed at each blank line, even one that dispatches nothing.
    @Test(arguments: chunkSizes)
    func idCommittedByBlankLineWithoutData(chunkSize: Int) {
        let (decoder, events, _) = finished("id: 42\n\n", chunkSize)
        #expect(events == [])
        #expect(decoder.lastEventID == "42")
    }

    @Test(arguments: chunkSizes)
    func retryField(chunkSize: Int) {
        let (decoder, events, _) = finished("retry: 3000\ndata: a\n\ndata: b\n\nretry:0\n\n", chunkSize)
        #expect(events == [.init(data: "a", retry: 3000), .init(data: "b")])
        #expect(decoder.reconnectionTime == 0)
    }

    @Test(arguments: chunkSizes)
    func invalidRetryIsIgnored(chunkSize: Int) {
        let invalid = ["30s", "-1", "", " 100", "1.5", "+5", "١٢", "99999999999999999999999999"]
        let transcript = invalid.map { "retry: \($0)\ndata: x\n\n" }.joined()
        let (decoder, events, _) = finished(transcript, chunkSize)
        #expect(events == Array(repeating: ServerSentEvent(data: "x"), count: invalid.count))
        #expect(decoder.reconnectionTime == nil)
    }

    @Test(arguments: chunkSizes)
    func fieldWithoutColonHasEmptyValue(chunkSize: Int) {
        let transcript = "data\n\nevent\ndata: x\n\ndata\ndata\n\n"
        #expect(sse(transcript, chunkSize) == [.init(data: ""), .init(data: "x"), .init(data: "\n")])
    }

    @Test(arguments: chunkSizes)
    func onlyOneLeadingSpaceIsRemoved(chunkSize: Int) {
        let transcript = "data:x\n\ndata: x\n\ndata:  x\n\ndata:x \n\ndata: a: b:c\n\n"
        #expect(sse(transcript, chunkSize) == [
            .init(data: "x"), .init(data: "x"), .init(data: " x"), .init(data: "x "), .init(data: "a: b:c"),
        ])
    }

    @Test(arguments: chunkSizes)
    func emptyDataLineDispatchesEmptyData(chunkSize: Int) {
        #expect(sse("data:\n\ndata: \n\n", chunkSize) == [.init(data: ""), .init(data: "")])
    }

    @Test(arguments: chunkSizes)
    func blankLinesWithoutDataDispatchNothing(chunkSize: Int) {
        let transcript = "\n\n\r\n\revent: ignored\n\nretry: 10\n\ndata: x\n\n"
        // The event type of the data-less block must not leak into the next event.
        #expect(sse(transcript, chunkSize) == [.init(data: "x")])
    }

    @Test(arguments: chunkSizes)
    func unknownFieldsAreIgnored(chunkSize: Int) {
        let transcript = "foo: bar\nDATA: no\nData: no\ndata : no\ndata: yes\n\n"
        #expect(sse(transcript, chunkSize) == [.init(data: "yes")])
    }

    // MARK: Encoding

    @Test(arguments: chunkSizes)
    func leadingBOMIsSkippedOnce(chunkSize: Int) {
        // A second BOM is part of the field name, making "\u{FEFF}data" an unknown field.
        let transcript = "\u{FEFF}data: a\n\n\u{FEFF}data: b\n\n"
        #expect(sse(transcript, chunkSize) == [.init(data: "a")])
    }

    @Test(arguments: chunkSizes)
    func bomBeforeBlankAndComment(chunkSize: Int) {
        #expect(sse("\u{FEFF}\ndata: a\n\n", chunkSize) == [.init(data: "a")])
        #expect(sse("\u{FEFF}: hi\ndata: b\n\n", chunkSize) == [.init(data: "b")])
    }

    @Test(arguments: chunkSizes)
    func multiByteUTF8(chunkSize: Int) {
        let transcript = "event: grüße\ndata: héllo 世界 🎉\ndata: 👩‍👩‍👧\n\n"
        #expect(sse(transcript, chunkSize) == [.init(event: "grüße", data: "héllo 世界 🎉\n👩‍👩‍👧")])
    }

    /// Splitting at every byte offset, including inside each multi-byte character.
    @Test func multiByteUTF8SplitAtEveryByte() {
        let bytes = Array("id: ü\ndata: héllo 世界 🎉\r\n\r\n".utf8)
        for index in 0...bytes.count {
            let events = decodeSplit(bytes, at: index, as: SSEDecoder.self)
            #expect(events == [.init(data: "héllo 世界 🎉", id: "ü")], "split at \(index)")
        }
    }

    @Test func invalidUTF8BecomesReplacementCharacterInTheTextAndStaysInTheBytes() {
        let bytes: [UInt8] = Array("data: a".utf8) + [0xFF] + Array("b\n\n".utf8)
        var decoder = SSEDecoder()
        let events = decoder.decode(makeChunk(bytes))
        #expect(events.map(\.data) == ["a\u{FFFD}b"])
        // The bytes are kept as they came (the JSON parser then refuses or replaces them as JSON says).
        #expect(events.map { Array($0.dataBuffer.readableBytesView) } == [[0x61, 0xFF, 0x62]])
        // Equality and hashing read the data as text, as when it was a String.
        #expect(events == [.init(data: "a\u{FFFD}b")])
        #expect(Set(events + [.init(data: "a\u{FFFD}b")]).count == 1)
        #expect(events != [.init(data: "a\u{FFFD}c")])
    }

    // MARK: Real transcripts

    @Test(arguments: chunkSizes)
    func openAIChatCompletions(chunkSize: Int) throws {
        let payloads = [
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}"#,
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":", wörld 🌍"},"finish_reason":null}]}"#,
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ]
        let transcript = ": OPENROUTER PROCESSING\n\n" + payloads.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
        let events = sse(transcript, chunkSize)
        #expect(events.map(\.data) == payloads + ["[DONE]"])
        #expect(events.allSatisfy { $0.event == "message" && $0.id == nil && $0.retry == nil })

        struct Chunk: Decodable {
            struct Choice: Decodable {
                struct Delta: Decodable { var content: String? }
                var delta: Delta
            }
            var choices: [Choice]
        }
        let text = try events.dropLast().map {
            try JSONDecoder().decode(Chunk.self, from: Data($0.data.utf8)).choices[0].delta.content ?? ""
        }.joined()
        #expect(text == "Hello, wörld 🌍")
    }

    @Test(arguments: chunkSizes)
    func anthropicMessages(chunkSize: Int) throws {
        let transcript = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4","stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there 👋"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        let events = sse(transcript, chunkSize)
        #expect(events.map(\.event) == [
            "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(events[2].data == #"{"type": "ping"}"#)

        struct Delta: Decodable {
            struct Inner: Decodable { var text: String }
            var delta: Inner
        }
        let text = try events.filter { $0.event == "content_block_delta" }.map {
            try JSONDecoder().decode(Delta.self, from: Data($0.data.utf8)).delta.text
        }.joined()
        #expect(text == "Hi there 👋")
    }

    // MARK: End of stream

    @Test(arguments: chunkSizes)
    func truncatedEventIsDiscardedAndFlagged(chunkSize: Int) {
        let (decoder, events, tail) = finished("data: a\n\nid: 9\ndata: b", chunkSize)
        #expect(events == [.init(data: "a")])
        #expect(tail == [])
        #expect(decoder.discardedIncompleteEvent)
        #expect(decoder.lastEventID == nil)  // the ID of an incomplete event is not committed
    }

    @Test(arguments: chunkSizes)
    func eventWithoutBlankLineIsDiscarded(chunkSize: Int) {
        let (decoder, events, tail) = finished("data: a\n\ndata: b\n", chunkSize)
        #expect(events == [.init(data: "a")])
        #expect(tail == [])
        #expect(decoder.discardedIncompleteEvent)
    }

    @Test(arguments: chunkSizes)
    func cleanEndIsNotFlagged(chunkSize: Int) {
        for transcript in ["data: a\n\n", "data: a\n\n: trailing comment", "data: a\n\nevent: x\n", "data: a\r\n\r\n", ""] {
            let (decoder, _, tail) = finished(transcript, chunkSize)
            #expect(tail == [])
            #expect(!decoder.discardedIncompleteEvent, "\(transcript.debugDescription)")
        }
    }

    @Test func finishReadiesDecoderForANewStream() {
        var decoder = SSEDecoder()
        #expect(decoder.decode(makeChunk(Array("id: 1\ndata: a\n\ndata: cut\r".utf8))) == [.init(data: "a", id: "1")])
        #expect(decoder.finish() == [])
        #expect(decoder.discardedIncompleteEvent)
        // The new stream starts clean: its BOM is skipped, the old CR doesn't eat its LF,
        // and the last event ID carries over as it would when reconnecting.
        #expect(decoder.decode(makeChunk(Array("\u{FEFF}\ndata: b\n\n".utf8))) == [.init(data: "b", id: "1")])
        #expect(decoder.finish() == [])
        #expect(!decoder.discardedIncompleteEvent)
    }

    // MARK: Chunking invariance

    /// Random chunkings of a transcript mixing every feature all give the same events.
    @Test func randomChunkingsAgree() {
        let transcript = "\u{FEFF}: hi\r\nretry: 5\nevent: a\rid: x\r\ndata: 1\r\ndata:2\n\r\n" +
            "data: é世🎉\r\rid\ndata\n\nevent: end\ndata: [DONE]\r\n\r\n"
        let bytes = Array(transcript.utf8)
        let expected: [ServerSentEvent] = [
            .init(event: "a", data: "1\n2", id: "x", retry: 5),
            .init(data: "é世🎉", id: "x"),
            .init(data: "", id: ""),
            .init(event: "end", data: "[DONE]", id: ""),
        ]
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            var decoder = SSEDecoder()
            var events: [ServerSentEvent] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int(rng.next() % 9))  // includes empty chunks
                events += decoder.decode(makeChunk(bytes[start..<end]))
                start = end
            }
            events += decoder.finish()
            #expect(events == expected)
        }
    }
}
