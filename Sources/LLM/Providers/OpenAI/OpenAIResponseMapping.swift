/// Turns a whole (non-streamed) Chat Completions response into the same events a stream would
/// produce, so one ``StreamAccumulator`` builds every ``LLMResponse``.
enum OpenAIResponseMapping {
    static func events(for completion: OpenAIChatCompletion, provider: String) throws(LLMError) -> [StreamEvent] {
        var mapper = OpenAIStreamMapper(provider: provider)
        let chunk = OpenAIChatChunk(
            id: completion.id, model: completion.model,
            choices: completion.choices?.prefix(1).map {
                OpenAIChatChunk.Choice(delta: $0.message, finish_reason: $0.finish_reason)
            },
            usage: completion.usage)
        var events = try mapper.map(chunk)
        events += try mapper.finish()
        return events
    }
}
