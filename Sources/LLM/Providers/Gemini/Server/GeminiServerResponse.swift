import NIOCore

/// The server side of Gemini's format for replies (whole or streamed as SSE chunks) and errors.
public enum GeminiServerResponse {
    /// A `GenerateContentResponse` for `response`.
    public static func reply(_ response: LLMResponse, id: String) -> JSONValue {
        var parts: [JSONValue] = []
        var textSignature: String?
        for block in response.reasoning {
            if block.text.isEmpty, let signature = block.signature {
                textSignature = signature
                continue
            }
            var part: [String: JSONValue] = ["text": .string(block.text), "thought": true]
            if let signature = block.signature { part["thoughtSignature"] = .string(GeminiThoughtSignature.wire(signature)) }
            parts.append(.object(part))
        }
        if !response.content.isEmpty || textSignature != nil {
            var part: [String: JSONValue] = ["text": .string(response.content)]
            if let textSignature { part["thoughtSignature"] = .string(GeminiThoughtSignature.wire(textSignature)) }
            parts.append(.object(part))
        }
        parts += response.toolCalls.map(functionCall)
        return chunk(parts: parts, finishReason: finishReason(response.stopReason), usage: response.usage, model: response.model, id: id)
    }

    static func functionCall(_ call: ToolCall) -> JSONValue {
        var part: [String: JSONValue] = [
            "functionCall": ["name": .string(call.name), "args": call.arguments.objectValue.map(JSONValue.object) ?? [:], "id": .string(call.id)]
        ]
        if let signature = call.signature { part["thoughtSignature"] = .string(GeminiThoughtSignature.wire(signature)) }
        return .object(part)
    }

    static func chunk(parts: [JSONValue], finishReason: String?, usage: Usage?, model: String, id: String) -> JSONValue {
        var candidate: [String: JSONValue] = ["content": ["role": "model", "parts": .array(parts)], "index": 0]
        if let finishReason { candidate["finishReason"] = .string(finishReason) }
        var object: [String: JSONValue] = ["candidates": [.object(candidate)], "modelVersion": .string(model), "responseId": .string(id)]
        if let usage { object["usageMetadata"] = self.usage(usage) }
        return .object(object)
    }

    static func finishReason(_ reason: StopReason) -> String {
        switch reason {
        case .endTurn, .stopSequence, .toolCalls: "STOP"
        case .maxTokens: "MAX_TOKENS"
        case .contentFilter: "SAFETY"
        case .other(let raw): raw
        }
    }

    /// Gemini counts thoughts apart from the candidates, and cached tokens within the prompt.
    static func usage(_ usage: Usage) -> JSONValue {
        [
            "promptTokenCount": .int(usage.inputTokens), "candidatesTokenCount": .int(max(0, usage.outputTokens - usage.reasoningTokens)),
            "thoughtsTokenCount": .int(usage.reasoningTokens), "cachedContentTokenCount": .int(usage.cacheReadTokens),
            "totalTokenCount": .int(usage.totalTokens),
        ]
    }

    /// The status, body (`{"error": {"code", "message", "status"}}`) and headers Gemini answers `error` with.
    public static func error(_ error: LLMError) -> (status: Int, body: JSONValue, headers: [(String, String)]) {
        let (status, name) = classification(of: error)
        let message: String = switch error {
        case .network(let reason): "upstream network error: \(reason)"
        case .timeout(let kind): "upstream timeout (\(kind.rawValue))"
        case .contextLengthExceeded(let details) where !details.message.lowercased().contains("exceeds the maximum number of tokens"):
            "The input token count exceeds the maximum number of tokens allowed: \(details.message)"
        default: error.details?.message ?? "\(error)"
        }
        var headers: [(String, String)] = []
        if let delay = error.retryAfter { headers.append(("retry-after", String(RetryAfter.wholeSeconds(delay)))) }
        return (status, ["error": ["code": .int(status), "message": .string(message), "status": .string(name)]], headers)
    }

    private static func classification(of error: LLMError) -> (Int, String) {
        switch error {
        case .authentication: (401, "UNAUTHENTICATED")
        case .permissionDenied: (403, "PERMISSION_DENIED")
        case .modelNotFound: (404, "NOT_FOUND")
        case .invalidRequest(let details): (details.status.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 400, "INVALID_ARGUMENT")
        case .contextLengthExceeded, .contentFiltered, .unsupported: (400, "INVALID_ARGUMENT")
        case .rateLimited: (429, "RESOURCE_EXHAUSTED")
        case .overloaded: (503, "UNAVAILABLE")
        case .timeout: (504, "DEADLINE_EXCEEDED")
        case .cancelled: (499, "CANCELLED")
        case .serverError, .network, .emptyResponse, .malformedResponse, .invalidToolArguments: (502, "INTERNAL")
        }
    }
}

/// Turns a provider's ``StreamEvent``s into Gemini stream chunks (`streamGenerateContent?alt=sse`): a chunk per text
/// or thought delta, one per function call (Gemini sends calls whole), and a last one with the finish reason and the
/// usage. Write each with ``sseEvent(_:into:)``.
public struct GeminiStreamEncoder: Sendable {
    private let id: String
    private var model: String
    private var usage: Usage?
    private var thoughtHasText = false

    public init(id: String, model: String) {
        self.id = id
        self.model = model
    }

    public mutating func chunks(for event: StreamEvent) -> [JSONValue] {
        switch event {
        case .start(_, let model):
            if let model, !model.isEmpty { self.model = model }
            return []
        case .textDelta(let text, _):
            return [chunk(["text": .string(text)])]
        case .reasoningStart:
            thoughtHasText = false
            return []
        case .reasoningDelta(let text, let signature):
            var chunks: [JSONValue] = []
            if !text.isEmpty {
                thoughtHasText = true
                chunks.append(chunk(["text": .string(text), "thought": true]))
            }
            if let signature, !signature.isEmpty {
                // A signature after thought text closes that thought; alone, it belonged to the answer's text.
                chunks.append(chunk(thoughtHasText
                    ? ["text": "", "thought": true, "thoughtSignature": .string(GeminiThoughtSignature.wire(signature))]
                    : ["text": "", "thoughtSignature": .string(GeminiThoughtSignature.wire(signature))]))
                thoughtHasText = false
            }
            return chunks
        case .toolCall(_, let call):
            return [GeminiServerResponse.chunk(parts: [GeminiServerResponse.functionCall(call)], finishReason: nil, usage: nil, model: model, id: id)]
        case .usage(let usage):
            self.usage = usage
            return []
        case .finish(let stopReason, let usage, let model):
            if let model, !model.isEmpty { self.model = model }
            return [GeminiServerResponse.chunk(
                parts: [], finishReason: GeminiServerResponse.finishReason(stopReason), usage: usage ?? self.usage ?? Usage(),
                model: self.model, id: id)]
        case .textEnd, .reasoningRedacted, .toolCallStart, .toolCallDelta:
            return []
        }
    }

    /// Writes one chunk as an SSE event.
    public static func sseEvent(_ chunk: JSONValue, into buffer: inout ByteBuffer) {
        buffer.writeString("data: ")
        chunk.writeJSON(to: &buffer)
        buffer.writeString("\r\n\r\n")
    }

    private func chunk(_ part: JSONValue) -> JSONValue {
        GeminiServerResponse.chunk(parts: [part], finishReason: nil, usage: nil, model: model, id: id)
    }
}
