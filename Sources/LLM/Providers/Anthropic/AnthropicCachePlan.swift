/// Where a request's `cache_control` marks go, within what Anthropic accepts: at most four a request, in prompt order
/// (tools, then the system prompt, then the messages), never on a thinking block or a message that sends nothing, and
/// no one-hour mark after a five-minute one.
///
/// The tools' and the system prompt's marks (``AnthropicOptions``, or a breakpoint on a system message) are kept; of
/// the messages' breakpoints, the latest that still fit. A five-minute mark before a one-hour one is made one hour.
struct AnthropicCachePlan {
    var tools: CacheBreakpoint?
    var system: CacheBreakpoint?
    /// By index in the request's messages.
    var messages: [Int: CacheBreakpoint] = [:]

    /// - Parameters:
    ///   - blocks: each message's blocks as they will be sent (empty for system messages).
    init(request: ChatRequest, options: AnthropicOptions, hasTools: Bool, blocks: [[JSONValue]]) {
        if options.cacheTools, hasTools { tools = .fiveMinutes }
        let systemMarks = request.messages.filter { $0.role == .system }.compactMap(\.cacheBreakpoint)
        if options.cacheSystemPrompt || !systemMarks.isEmpty {
            system = systemMarks.contains { $0.lifetime == .oneHour } ? .oneHour : .fiveMinutes
        }
        var left = AnthropicRequestMapping.maxBreakpoints - (tools == nil ? 0 : 1) - (system == nil ? 0 : 1)
        for (index, message) in request.messages.enumerated().reversed() where left > 0 {
            guard message.role != .system, let breakpoint = message.cacheBreakpoint, let last = blocks[index].last,
                !["thinking", "redacted_thinking"].contains(last["type"]?.stringValue ?? "")
            else { continue }
            messages[index] = breakpoint
            left -= 1
        }
        // A one-hour mark must not follow a five-minute one: every mark before the last one-hour mark lasts an hour.
        let lastHourMessage = messages.filter { $0.value.lifetime == .oneHour }.keys.max()
        if let lastHourMessage {
            for index in messages.keys where index < lastHourMessage { messages[index] = .oneHour }
        }
        if lastHourMessage != nil || system?.lifetime == .oneHour {
            if system != nil { system = .oneHour }
            if tools != nil { tools = .oneHour }
        }
    }
}
