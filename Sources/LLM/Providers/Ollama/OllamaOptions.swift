/// Ollama-specific settings sent with every request of an ``OllamaProvider``.
///
/// A request can still override them through ``ChatRequest/extraFields``: an `"options"` object there is
/// merged into the mapped options key by key, and `"keep_alive"` replaces this one.
public struct OllamaOptions: Sendable, Hashable {
    /// The context window in tokens (`options.num_ctx`). Ollama's default is small (2048 to 4096 tokens
    /// depending on the version) and it silently drops the start of a longer prompt, so set it for long chats.
    public var numCtx: Int?
    /// How long the model stays loaded after the request (`keep_alive`). Zero unloads it at once; a
    /// negative duration keeps it loaded indefinitely; `nil` uses the server's default (5 minutes).
    public var keepAlive: Duration?

    public init(numCtx: Int? = nil, keepAlive: Duration? = nil) {
        self.numCtx = numCtx
        self.keepAlive = keepAlive
    }
}
