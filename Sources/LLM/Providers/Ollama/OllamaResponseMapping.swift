/// Turns a whole (non-streamed) `/api/chat` reply into the events a stream would produce, through the
/// same mapper, so one ``StreamAccumulator`` builds every ``LLMResponse``.
enum OllamaResponseMapping {
    static func events(for reply: OllamaChatChunk, provider: String) throws(LLMError) -> [StreamEvent] {
        // A non-streamed reply is exactly the stream's chunks folded into one `done: true` chunk.
        var mapper = OllamaStreamMapper(provider: provider)
        return try mapper.map(reply) + mapper.finish()
    }
}
