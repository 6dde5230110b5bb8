import Foundation
import NIOCore

/// Every response the server sends, encoded once at start-up so serving costs no more than a
/// socket write: the replay server must never be the bottleneck of what it measures.
struct Responses: Sendable {
    /// Head and whole chunked body of each transcript, by provider (`openai`, `anthropic`...).
    let transcripts: [String: ByteBuffer]
    /// A fixed OpenAI chat completion, for the request-overhead benchmark.
    let completion: ByteBuffer
    /// `200` with an empty body: what a client costs apart from the bytes it reads.
    let empty: ByteBuffer
    /// The pieces of a held-open OpenAI stream: head and first event, one tick, the ending.
    let holdStart: ByteBuffer
    let holdTick: ByteBuffer
    let holdEnd: ByteBuffer

    /// Loads `<directory>/<provider>.sse` and `<provider>.ndjson`. Each event becomes one HTTP
    /// chunk, as real servers flush one event at a time.
    init(transcriptDirectory: String) throws {
        var transcripts: [String: ByteBuffer] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: transcriptDirectory)
        for file in files.sorted() {
            let url = URL(fileURLWithPath: transcriptDirectory).appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            switch url.pathExtension {
            case "sse":
                let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { $0 + "\n\n" }
                transcripts[url.deletingPathExtension().lastPathComponent] = Self.chunked("text/event-stream", events)
            case "ndjson":
                let lines = text.split(separator: "\n").map { String($0) + "\n" }
                transcripts[url.deletingPathExtension().lastPathComponent] = Self.chunked("application/x-ndjson", lines)
            default:
                continue
            }
        }
        self.transcripts = transcripts
        completion = Self.whole(
            "application/json",
            #"{"id":"chatcmpl-c1","object":"chat.completion","created":1731000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#)
        empty = Self.whole("text/plain", "")
        let chunk = #"{"id":"chatcmpl-h","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" tick"},"finish_reason":null}]}"#
        var start = Self.head("text/event-stream", length: nil)
        start.writeImmutableBuffer(Self.chunk("data: " + chunk.replacingOccurrences(of: #"{"content":" tick"}"#, with: #"{"role":"assistant","content":"Hi"}"#) + "\n\n"))
        holdStart = start
        holdTick = Self.chunk("data: \(chunk)\n\n")
        let finish = #"{"id":"chatcmpl-h","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
        var end = Self.chunk("data: \(finish)\n\ndata: [DONE]\n\n")
        end.writeString("0\r\n\r\n")
        holdEnd = end
    }

    private static func head(_ contentType: String, length: Int?) -> ByteBuffer {
        let framing = length.map { "content-length: \($0)" } ?? "transfer-encoding: chunked"
        return ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-type: \(contentType)\r\n\(framing)\r\n\r\n")
    }

    private static func chunk(_ text: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString(String(text.utf8.count, radix: 16) + "\r\n")
        buffer.writeString(text)
        buffer.writeString("\r\n")
        return buffer
    }

    private static func chunked(_ contentType: String, _ events: [String]) -> ByteBuffer {
        var buffer = head(contentType, length: nil)
        for event in events { buffer.writeImmutableBuffer(Self.chunk(event)) }
        buffer.writeString("0\r\n\r\n")
        return buffer
    }

    private static func whole(_ contentType: String, _ body: String) -> ByteBuffer {
        var buffer = head(contentType, length: body.utf8.count)
        buffer.writeString(body)
        return buffer
    }
}
