import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The small transport call every provider makes: encode a JSON body, send it, and hand back either the
/// streaming response or the error body (with secrets masked) for the provider to classify; and the retry
/// runner each call goes through.
struct ProviderHTTP: Sendable {
    let provider: String
    let transport: any HTTPTransport
    let timeouts: HTTPTimeouts
    /// Values that must never leave in an error (API keys).
    @Redacted var secrets: [String]
    /// The provider's retry policy, used when a request brings none of its own.
    let retryPolicy: RetryPolicy
    let retryClock: any RetryClock
    /// The proxy every request goes through (see ``TransportRequest/proxy``).
    var proxy: ProxySettings = .processEnvironment

    /// The retries of one call: the request's own policy if it has one, else the provider's.
    func runner(for request: ChatRequest?) -> RetryRunner {
        runner(policy: request?.retryPolicy)
    }

    /// The retries of one call with `policy`, or the provider's when nil.
    func runner(policy: RetryPolicy?) -> RetryRunner {
        RetryRunner(policy: policy ?? retryPolicy, clock: retryClock)
    }

    /// The largest error body read; the rest is not needed to classify an error.
    static let maxErrorBodyBytes = 256 * 1024

    /// Sends a request; `readsWholeBody` for a reply read at once, not streamed
    /// (see ``TransportRequest/readsWholeBody``).
    func send(
        _ method: HTTPMethod, url: String, headers: HTTPHeaders, json body: JSONValue?, readsWholeBody: Bool = false
    ) async throws(LLMError) -> TransportResponse {
        var headers = headers
        var buffer: ByteBuffer?
        if let body {
            var encoded = ByteBuffer()
            body.writeJSON(to: &encoded)
            buffer = encoded
            headers.replaceOrAdd(name: "content-type", value: "application/json")
        }
        let request = TransportRequest(
            method: method, url: url, headers: headers, body: buffer, timeouts: timeouts, readsWholeBody: readsWholeBody,
            proxy: proxy)
        do {
            return try await transport.send(request)
        } catch {
            throw LLMError(normalising: error)
        }
    }

    /// Throws the provider's error when the response is not a 2xx: `classify` turns the status, headers and
    /// body text (secrets masked) into an ``LLMError``.
    func checkStatus(
        _ response: TransportResponse, classify: (_ status: Int, _ headers: HTTPHeaders, _ body: String) -> LLMError
    ) async throws(LLMError) {
        guard !(200..<300).contains(response.status) else { return }
        throw classify(response.status, response.headers, await errorText(of: response))
    }

    /// Reads one JSON event of a stream (an SSE event's data or a JSON line) with the hand-written reader (see
    /// ``JSONWireDecodable``) and hands it to `use` while its document is still parsed, with `state` (the
    /// stream's mapper) to update. The event is not returned through the parser's frames: for a wire type of
    /// hundreds of bytes (an Anthropic event) those copies were a measurable part of a stream's CPU. The mapper
    /// comes as an argument rather than captured, so that a caller holding this value and its mapper side by
    /// side lends both, instead of copying this value for every event. An error `use` throws is passed on as it
    /// is; an event that cannot be read is a malformed response.
    func withEvent<T: JSONWireDecodable, State>(
        _ type: T.Type, from bytes: ByteBuffer, updating state: inout State,
        _ use: (T, inout State) throws(LLMError) -> Void
    ) throws(LLMError) {
        var failure: LLMError?
        do {
            try bytes.withUnsafeReadableBytes { bytes in
                try JSONParser.withDocument(bytes) { root in
                    try Self.read(T.self, from: root, updating: &state, failure: &failure, use)
                }
            }
        } catch {
            throw .malformedResponse(reason: "a stream chunk is not valid JSON", raw: redact(String(buffer: bytes)))
        }
        if let failure { throw failure }
    }

    /// Reads the event at `root` (throwing if it has another shape) and calls `use`, keeping its error apart.
    private static func read<T: JSONWireDecodable, State>(
        _ type: T.Type, from root: JSONElement, updating state: inout State, failure: inout LLMError?,
        _ use: (T, inout State) throws(LLMError) -> Void
    ) throws(JSONShapeError) {
        let event = try T(json: JSONFields(root))
        do throws(LLMError) { try use(event, &state) } catch { failure = error }
    }

    /// Reads an error response body as text, with every secret masked.
    func errorText(of response: TransportResponse) async -> String {
        let buffer = (try? await response.body.collect(upTo: Self.maxErrorBodyBytes)) ?? ByteBuffer()
        return redact(String(buffer: buffer))
    }

    func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    /// Reads a whole successful body with the hand-written reader (see ``JSONWireDecodable``), keeping the
    /// parsed JSON as the raw reply.
    func readBody<T: JSONWireDecodable>(_ type: T.Type, of response: TransportResponse, maxBytes: Int = 64 * 1024 * 1024) async throws(LLMError) -> (T, JSONValue) {
        try await parseBody(response, maxBytes: maxBytes) { root in (try T(json: JSONFields(root)), root.value) }
    }

    /// Reads a whole successful body with the hand-written reader, keeping nothing else (a large reply, such as a
    /// thousand embeddings, is not also made into a ``JSONValue``).
    func readValue<T: JSONWireDecodable>(_ type: T.Type, of response: TransportResponse, maxBytes: Int) async throws(LLMError) -> T {
        try await parseBody(response, maxBytes: maxBytes) { root in try T(json: JSONFields(root)) }
    }

    /// The whole body, parsed and handed to `read`; a body that does not read is a malformed response (its first
    /// 4 KiB quoted, secrets masked).
    private func parseBody<Value>(
        _ response: TransportResponse, maxBytes: Int, _ read: (JSONElement) throws -> Value
    ) async throws(LLMError) -> Value {
        let buffer = try await collect(response, maxBytes: maxBytes)
        do {
            return try buffer.withUnsafeReadableBytes { bytes in try JSONParser.withDocument(bytes, read) }
        } catch {
            let quoted = buffer.getSlice(at: buffer.readerIndex, length: min(buffer.readableBytes, 4096)) ?? buffer
            throw .malformedResponse(reason: "the response body is not the JSON expected", raw: redact(String(buffer: quoted)))
        }
    }

    private func collect(_ response: TransportResponse, maxBytes: Int) async throws(LLMError) -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: maxBytes)
        } catch {
            throw LLMError(normalising: error)
        }
    }
}
