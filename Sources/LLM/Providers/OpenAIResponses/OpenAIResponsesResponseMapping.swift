/// Turns a whole (non-streamed) Response into the events a stream would have produced, through the same
/// mapper, so one ``StreamAccumulator`` builds every ``LLMResponse``.
enum OpenAIResponsesResponseMapping {
    static func events(for response: OpenAIResponsesObject, provider: String) throws(LLMError) -> [StreamEvent] {
        var mapper = OpenAIResponsesStreamMapper(provider: provider)
        var events = try mapper.map(OpenAIResponsesStreamEvent(type: "response.created", response: response))
        for (index, item) in (response.output ?? []).enumerated() {
            events += try mapper.map(OpenAIResponsesStreamEvent(type: "response.output_item.added", item: item, output_index: index))
            events += try mapper.map(OpenAIResponsesStreamEvent(type: "response.output_item.done", item: item, output_index: index))
        }
        let terminal = switch response.status {
        case "failed": "response.failed"
        case "incomplete": "response.incomplete"
        default: "response.completed"
        }
        events += try mapper.map(OpenAIResponsesStreamEvent(type: terminal, response: response))
        return events + (try mapper.finish())
    }
}
