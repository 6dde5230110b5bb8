import LLM
import LLMTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A provider's whole response path on arbitrary bytes, through the public API: the body is served by
/// a replay transport (``ReplayTransport``, or ``SplitReplayTransport`` for uneven chunks) and read with
/// `stream` (or `complete`).
///
/// Input: `[chunking][flags][n][n bytes: retry header value][body]`. Flags: bits 0-3 pick the status
/// (half of them 200), bit 4 adds a tool, bit 5 calls `complete` instead of `stream`, bit 6 asks for a
/// JSON schema, bit 7 sends the header as `retry-after-ms` instead of `retry-after`.
///
/// Checks: nothing but an `LLMError` escapes; an error status never yields events; a stream ends with
/// exactly one finish (last) or an error, never both; text snapshots add up; and the chunking changes
/// nothing (the same events, reply or error as the body in one piece).
public enum ProviderFuzzing {
    public typealias MakeProvider = @Sendable (_ transport: any HTTPTransport) -> any LLMProvider

    static let statuses = [200, 200, 200, 200, 200, 200, 200, 200, 400, 401, 403, 404, 429, 500, 503, 529]

    public struct Outcome: Equatable, Sendable, CustomStringConvertible {
        var events: [StreamEvent] = []
        var reply: LLMResponse?
        var error: LLMError?
        var foreignError: String?

        public var description: String {
            "events \(events), reply \(String(describing: reply)), error \(String(describing: error)), other \(String(describing: foreignError))"
        }
    }

    public static func run(_ input: FuzzInput, make: @escaping MakeProvider) {
        var input = input
        let chunking = input.byte()
        let flags = input.byte()
        let header = input.take(Int(input.byte()))
        let body = input.rest()

        let status = statuses[Int(flags & 0x0F)]
        let headers: HTTPHeaders =
            header.isEmpty ? [:] : [flags & 0x80 == 0 ? "retry-after" : "retry-after-ms": String(decoding: header, as: UTF8.self)]
        let request = request(flags: flags)
        let complete = flags & 0x20 != 0

        let whole = runBlocking {
            await outcome(make(ReplayTransport([.init(status: status, headers: headers, body: body)])), request, complete: complete)
        }
        check(whole, status: status, complete: complete)
        guard chunking != 0 else { return }
        let transport: any HTTPTransport =
            chunking < 128
            ? ReplayTransport([.init(status: status, headers: headers, body: body, chunkSize: Int(chunking))])
            : SplitReplayTransport(status: status, headers: headers, chunks: Chunking.split(body, mode: chunking))
        let split = runBlocking { await outcome(make(transport), request, complete: complete) }
        fuzzCheck(split == whole, "chunking changed the outcome:\n split: \(split)\n whole: \(whole)")
    }

    static func request(flags: UInt8) -> ChatRequest {
        var request = ChatRequest(model: "model-x", messages: [.user("Hi")])
        if flags & 0x10 != 0 {
            request.tools = [Tool(name: "get_weather", description: "Weather", parameters: .object(["city": .string()]))]
        }
        if flags & 0x40 != 0 {
            request.responseFormat = .jsonSchema(name: "person", schema: .object(["name": .string(), "age": .integer()]))
        }
        request.retryPolicy = RetryPolicy.none
        return request
    }

    static func outcome(_ provider: any LLMProvider, _ request: ChatRequest, complete: Bool) async -> Outcome {
        var outcome = Outcome()
        do {
            if complete {
                outcome.reply = try await provider.complete(request)
            } else {
                for try await event in provider.stream(request) { outcome.events.append(event) }
            }
        } catch let error as LLMError {
            outcome.error = error
        } catch {
            outcome.foreignError = "\(type(of: error)): \(error)"
        }
        return outcome
    }

    static func check(_ outcome: Outcome, status: Int, complete: Bool) {
        fuzzCheck(outcome.foreignError == nil, "an error that is not an LLMError escaped: \(outcome.foreignError ?? "")")
        if !(200..<300).contains(status) {
            fuzzCheck(outcome.error != nil, "HTTP \(status) gave no error: \(outcome)")
            fuzzCheck(outcome.events.isEmpty && outcome.reply == nil, "HTTP \(status) gave a reply: \(outcome)")
        }
        if complete {
            fuzzCheck((outcome.reply == nil) != (outcome.error == nil), "complete gave both or neither of reply and error")
            return
        }
        let finishes = outcome.events.indices.filter { if case .finish = outcome.events[$0] { true } else { false } }
        fuzzCheck(finishes.count <= 1, "\(finishes.count) finish events")
        if let finish = finishes.first {
            fuzzCheck(finish == outcome.events.count - 1, "events after the finish")
            fuzzCheck(outcome.error == nil, "a finished stream also threw \(String(describing: outcome.error))")
        } else {
            fuzzCheck(outcome.error != nil, "the stream ended with neither a finish nor an error")
        }
        var text = ""
        for case .textDelta(let delta, let snapshot) in outcome.events {
            text += delta
            fuzzCheck(snapshot.text == text, "snapshot \(snapshot.text.debugDescription) is not the text so far \(text.debugDescription)")
        }
        if !finishes.isEmpty {
            var accumulator = StreamAccumulator()
            for event in outcome.events { accumulator.consume(event) }
            if let reply = try? accumulator.response() {
                fuzzCheck(reply.content == text, "the reply's content is not its deltas")
            }
        }
    }
}

/// Serves one recorded answer in the given (uneven) chunks; asked again, it fails like an exhausted
/// ``ReplayTransport``.
final class SplitReplayTransport: HTTPTransport {
    private let status: Int
    private let headers: HTTPHeaders
    private let chunks: [[UInt8]]
    private let used = NIOLockedValueBox(false)

    init(status: Int, headers: HTTPHeaders, chunks: [[UInt8]]) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let first = used.withLockedValue { used in
            defer { used = true }
            return !used
        }
        guard first else { throw LLMError.network(reason: "ReplayTransport has no recorded reply left") }
        return TransportResponse(status: status, headers: headers, body: TransportBody(chunks: chunks.map(Chunking.buffer)))
    }
}
