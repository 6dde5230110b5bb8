/// Anthropic-specific behaviour of an ``AnthropicProvider``.
public struct AnthropicOptions: Sendable, Hashable {
    /// Send `.jsonSchema` response formats as native structured output (`output_config.format`). When false,
    /// the schema becomes a forced tool call whose input is the object; the caller sees the same reply.
    public var nativeStructuredOutput: Bool
    /// Mark the system prompt as cacheable (`cache_control: ephemeral`).
    public var cacheSystemPrompt: Bool
    /// Mark the tool definitions as cacheable.
    public var cacheTools: Bool

    public init(nativeStructuredOutput: Bool = true, cacheSystemPrompt: Bool = false, cacheTools: Bool = false) {
        self.nativeStructuredOutput = nativeStructuredOutput
        self.cacheSystemPrompt = cacheSystemPrompt
        self.cacheTools = cacheTools
    }
}
