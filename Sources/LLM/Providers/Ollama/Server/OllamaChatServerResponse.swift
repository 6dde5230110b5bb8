import NIOCore

/// The server side of Ollama's `/api/chat` format: whole replies, NDJSON stream lines and errors.
public enum OllamaChatServerResponse {
    /// The one object of a reply that was not streamed (`"done": true`).
    public static func reply(_ response: LLMResponse, createdAt: String) -> JSONValue {
        var message: [String: JSONValue] = ["role": "assistant", "content": .string(response.content)]
        let thinking = response.reasoning.map(\.text).joined()
        if !thinking.isEmpty { message["thinking"] = .string(thinking) }
        if !response.toolCalls.isEmpty { message["tool_calls"] = .array(response.toolCalls.map(OllamaRequestMapping.toolCall)) }
        var object = done(model: response.model, createdAt: createdAt, stopReason: response.stopReason, usage: response.usage)
        object["message"] = .object(message)
        return .object(object)
    }

    /// The last line of a stream, or the body of a whole reply without its message.
    static func done(model: String, createdAt: String, stopReason: StopReason, usage: Usage) -> [String: JSONValue] {
        [
            "model": .string(model), "created_at": .string(createdAt), "done": true,
            "done_reason": .string(stopReason == .maxTokens ? "length" : "stop"),
            "prompt_eval_count": .int(usage.inputTokens), "eval_count": .int(usage.outputTokens),
        ]
    }

    /// The status and body (`{"error": "..."}`) Ollama answers `error` with; `Retry-After` when it names a delay.
    public static func error(_ error: LLMError) -> (status: Int, body: JSONValue, headers: [(String, String)]) {
        let status: Int = switch error {
        case .authentication: 401
        case .permissionDenied: 403
        case .modelNotFound: 404
        case .invalidRequest(let details): details.status.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 400
        case .contextLengthExceeded, .contentFiltered, .unsupported: 400
        case .rateLimited: 429
        case .overloaded: 503
        case .timeout: 504
        case .cancelled: 499
        case .serverError, .network, .emptyResponse, .malformedResponse, .invalidToolArguments: 502
        }
        var headers: [(String, String)] = []
        if let delay = error.retryAfter { headers.append(("retry-after", String(RetryAfter.wholeSeconds(delay)))) }
        return (status, streamError(error), headers)
    }

    /// The line that ends a stream that failed after it began.
    public static func streamError(_ error: LLMError) -> JSONValue {
        let message: String = switch error {
        case .network(let reason): "upstream network error: \(reason)"
        case .timeout(let kind): "upstream timeout (\(kind.rawValue))"
        default: error.details?.message ?? "\(error)"
        }
        return ["error": .string(message)]
    }
}

/// Turns a provider's ``StreamEvent``s into Ollama's NDJSON stream lines: a line per text or thinking delta, a line
/// per completed tool call (Ollama sends calls whole), and the `"done": true` line with the counts.
public struct OllamaChatStreamEncoder: Sendable {
    private var model: String
    private let createdAt: String
    private var usage: Usage?

    public init(model: String, createdAt: String) {
        self.model = model
        self.createdAt = createdAt
    }

    /// The lines `event` becomes.
    public mutating func lines(for event: StreamEvent) -> [JSONValue] {
        switch event {
        case .start(_, let model):
            if let model, !model.isEmpty { self.model = model }
            return []
        case .textDelta(let text, _):
            return [line(["role": "assistant", "content": .string(text)])]
        case .reasoningDelta(let text, _) where !text.isEmpty:
            return [line(["role": "assistant", "content": "", "thinking": .string(text)])]
        case .toolCall(_, let call):
            return [line(["role": "assistant", "content": "", "tool_calls": [OllamaRequestMapping.toolCall(call)]])]
        case .usage(let usage):
            self.usage = usage
            return []
        case .finish(let stopReason, let usage, let model):
            if let model, !model.isEmpty { self.model = model }
            var done = OllamaChatServerResponse.done(model: self.model, createdAt: createdAt, stopReason: stopReason, usage: usage ?? self.usage ?? Usage())
            done["message"] = ["role": "assistant", "content": ""]
            return [.object(done)]
        case .textEnd, .reasoningStart, .reasoningDelta, .reasoningRedacted, .toolCallStart, .toolCallDelta:
            return []
        }
    }

    /// Writes one line of NDJSON.
    public static func line(_ value: JSONValue, into buffer: inout ByteBuffer) {
        value.writeJSON(to: &buffer)
        buffer.writeString("\n")
    }

    private func line(_ message: JSONValue) -> JSONValue {
        ["model": .string(model), "created_at": .string(createdAt), "message": message, "done": false]
    }
}
