/// Assembles tool calls that arrive in fragments (OpenAI-style streaming) into whole calls.
///
/// Fragments are matched to their call by `index`, else by `id`, else to the call still open. Servers
/// that repeat the id and name in every fragment are handled: a name is taken once, never concatenated
/// (no `get_weatherget_weather`). Calls are renumbered 0, 1, 2... in order of appearance.
public struct ToolCallAssembler: Sendable {
    private struct Call: Sendable {
        var id: String?
        var name: String?
        var arguments = ""
        var started = false
    }

    private var calls: [Call] = []
    private var positionByIndex: [Int: Int] = [:]
    private var positionByID: [String: Int] = [:]

    public init() {}

    public var isEmpty: Bool { calls.isEmpty }

    /// Takes one fragment and returns the events it produces (a start once the name is known, then
    /// argument deltas).
    public mutating func receive(index: Int?, id: String?, name: String?, arguments: String?) -> [StreamEvent] {
        let id = id.flatMap { $0.isEmpty ? nil : $0 }
        let name = name.flatMap { $0.isEmpty ? nil : $0 }
        let position = position(index: index, id: id)
        var events: [StreamEvent] = []
        if calls[position].id == nil, let id {
            calls[position].id = id
            positionByID[id] = position
        }
        if calls[position].name == nil, let name { calls[position].name = name }
        let fragment = arguments ?? ""
        calls[position].arguments += fragment
        if calls[position].started {
            if !fragment.isEmpty { events.append(.toolCallDelta(index: position, arguments: fragment)) }
        } else if let name = calls[position].name {
            calls[position].started = true
            events.append(.toolCallStart(index: position, id: callID(at: position), name: name))
            if !calls[position].arguments.isEmpty {
                events.append(.toolCallDelta(index: position, arguments: calls[position].arguments))
            }
        }
        return events
    }

    /// Completes every call: parses its arguments and returns one `.toolCall` event per call.
    ///
    /// - Throws: ``LLMError/invalidToolArguments(toolName:raw:reason:)`` for truncated or malformed arguments.
    public func finish() throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        for (position, call) in calls.enumerated() {
            let name = call.name ?? ""
            let arguments = try ToolArguments.parse(call.arguments, toolName: name)
            events.append(.toolCall(index: position, ToolCall(id: callID(at: position), name: name, arguments: arguments)))
        }
        return events
    }

    private func callID(at position: Int) -> String {
        calls[position].id ?? "call_\(position)"
    }

    private mutating func position(index: Int?, id: String?) -> Int {
        if let index, let position = positionByIndex[index] { return position }
        if let id, let position = positionByID[id] {
            if let index { positionByIndex[index] = position }
            return position
        }
        // A fragment with neither index nor id continues the call still open.
        if index == nil, id == nil, !calls.isEmpty { return calls.count - 1 }
        calls.append(Call())
        let position = calls.count - 1
        if let index { positionByIndex[index] = position }
        return position
    }
}
