/// Turns a whole (non-streamed) `generateContent` response into the events a stream would have produced:
/// a stream event is the same `GenerateContentResponse` shape, so the response is one chunk through the
/// same mapper, and one ``StreamAccumulator`` builds every ``LLMResponse``.
enum GeminiResponseMapping {
    static func events(for response: GeminiResponse, provider: String) throws(LLMError) -> [StreamEvent] {
        var mapper = GeminiStreamMapper(provider: provider)
        var events = try mapper.map(response)
        events += try mapper.finish()
        return events
    }
}
