/// Where a provider with explicit prompt caching (Anthropic) may cache the prompt: everything up to and including the
/// message that carries it is written to the cache, and a later request with the same beginning reads it back at a
/// fraction of the input price.
///
/// Providers whose caching is automatic (OpenAI, Gemini's implicit caching) or absent (Ollama) ignore breakpoints:
/// the request is the same without them. Anthropic takes at most four breakpoints a request, counting the system
/// prompt's and the tools' (``AnthropicOptions``); when there are more, the latest four are sent.
public struct CacheBreakpoint: Sendable, Hashable, Codable {
    public enum Lifetime: String, Sendable, Hashable, Codable {
        /// Anthropic's default, refreshed each time it is read.
        case fiveMinutes = "5m"
        /// An hour, at a higher price for the write.
        case oneHour = "1h"
    }

    public var lifetime: Lifetime

    public init(lifetime: Lifetime = .fiveMinutes) {
        self.lifetime = lifetime
    }

    public static let fiveMinutes = CacheBreakpoint()
    public static let oneHour = CacheBreakpoint(lifetime: .oneHour)
}

extension Message {
    /// This message with a cache breakpoint after it (see ``CacheBreakpoint``). For a breakpoint inside a message's
    /// content, split it into two messages of the same role: providers that take breakpoints join them into one turn.
    public func cached(_ breakpoint: CacheBreakpoint = .fiveMinutes) -> Message {
        var message = self
        message.cacheBreakpoint = breakpoint
        return message
    }
}
