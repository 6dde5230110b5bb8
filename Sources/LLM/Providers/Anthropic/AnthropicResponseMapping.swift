/// Turns a whole Messages response into the events a stream would have produced, through the same mapper.
enum AnthropicResponseMapping {
    static func events(for message: AnthropicMessage, mapper: inout AnthropicStreamMapper) throws(LLMError) -> [StreamEvent] {
        var events = try mapper.map(AnthropicStreamEvent(
            type: "message_start", message: AnthropicMessage(id: message.id, model: message.model, usage: message.usage)))
        for (index, block) in (message.content ?? []).enumerated() {
            events += try mapper.map(AnthropicStreamEvent(type: "content_block_start", index: index, content_block: block))
            events += try mapper.map(AnthropicStreamEvent(type: "content_block_stop", index: index))
        }
        events += try mapper.map(AnthropicStreamEvent(
            type: "message_delta", delta: AnthropicStreamEvent.Delta(stop_reason: message.stop_reason)))
        events += try mapper.map(AnthropicStreamEvent(type: "message_stop"))
        return events + mapper.finish()
    }
}
