import NIOCore

/// The server side of Ollama's `/api/generate`: the same replies as `/api/chat` (``OllamaChatServerResponse``) with the
/// text in `response` and the reasoning in `thinking` instead of a `message`. Errors are `/api/chat`'s.
public enum OllamaGenerateServerResponse {
    /// The one object of a reply that was not streamed (`"done": true`).
    public static func reply(_ response: LLMResponse, createdAt: String) -> JSONValue {
        generateLine(OllamaChatServerResponse.reply(response, createdAt: createdAt))
    }

    /// The answer to an empty prompt, which only loads the model.
    public static func loaded(model: String, createdAt: String) -> JSONValue {
        ["model": .string(model), "created_at": .string(createdAt), "response": "", "done": true, "done_reason": "load"]
    }

    /// A chat line as the generate line it corresponds to.
    static func generateLine(_ chat: JSONValue) -> JSONValue {
        guard case .object(var object) = chat else { return chat }
        let message = object.removeValue(forKey: "message")
        object["response"] = message?["content"] ?? ""
        if let thinking = message?["thinking"] { object["thinking"] = thinking }
        return .object(object)
    }
}

/// Turns a provider's ``StreamEvent``s into `/api/generate`'s NDJSON lines (`{"response": "...", "done": false}`, then
/// the `"done": true` line with the counts). Tool calls have no place in a completion and are not sent.
public struct OllamaGenerateStreamEncoder: Sendable {
    private var chat: OllamaChatStreamEncoder

    public init(model: String, createdAt: String) {
        chat = OllamaChatStreamEncoder(model: model, createdAt: createdAt)
    }

    /// The lines `event` becomes.
    public mutating func lines(for event: StreamEvent) -> [JSONValue] {
        if case .toolCall = event { return [] }
        return chat.lines(for: event).map(OllamaGenerateServerResponse.generateLine)
    }
}
