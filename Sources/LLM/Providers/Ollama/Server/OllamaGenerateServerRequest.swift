/// An `/api/generate` request as a server receives it: Ollama's completion endpoint, served as a one-turn chat.
///
/// `prompt` (with its `images`) is the user turn and `system` the system prompt; `format`, `options` and `think` read
/// as `/api/chat` reads them (``OllamaChatServerRequest``). What a chat cannot express is refused with a 400 rather
/// than ignored: `raw` prompts, a `template`, a `suffix` (fill-in-the-middle) and a `context` from an earlier call.
/// An empty prompt asks Ollama only to load the model: ``loadsOnly`` says so, and there is nothing to ask upstream.
public struct OllamaGenerateServerRequest: Sendable, Hashable {
    public var request: ChatRequest
    public var stream: Bool
    /// The prompt was empty: Ollama answers at once with `"done_reason": "load"`.
    public var loadsOnly: Bool

    /// Reads a request body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing, of the wrong type or not served.
    public init(decoding body: JSONValue) throws(LLMError) {
        var root = try RequestReader.object(body, at: "the body")
        let prompt = try root["prompt"].map { value throws(LLMError) in value == .null ? "" : try RequestReader.string(value, at: "prompt") } ?? ""
        if root["raw"]?.boolValue == true { throw RequestReader.invalid("raw", "is not supported: the gateway applies each backend's own template") }
        for member in ["template", "suffix"] {
            if let value = root[member], value != .null, value != "" {
                throw RequestReader.invalid(member, "is not supported by this server")
            }
        }
        if let context = root["context"], context != .null, context != [] {
            throw RequestReader.invalid("context", "is not supported: send the conversation to /api/chat")
        }
        let hasImages = root["images"].map { $0 != .null && $0 != [] } ?? false
        var user: [String: JSONValue] = ["role": "user", "content": .string(prompt)]
        if let images = root["images"] { user["images"] = images }
        var messages: [JSONValue] = []
        if let system = root["system"], system != .null {
            messages.append(["role": "system", "content": .string(try RequestReader.string(system, at: "system"))])
        }
        messages.append(.object(user))
        for member in ["prompt", "images", "system", "raw", "template", "suffix", "context"] { root[member] = nil }
        root["messages"] = .array(messages)
        let chat = try OllamaChatServerRequest(decoding: .object(root))
        self.init(request: chat.request, stream: chat.stream, loadsOnly: prompt.isEmpty && !hasImages)
    }

    public init(request: ChatRequest, stream: Bool, loadsOnly: Bool = false) {
        self.request = request
        self.stream = stream
        self.loadsOnly = loadsOnly
    }
}
