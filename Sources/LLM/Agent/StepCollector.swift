/// Assembles one step's streamed reply, and turns tool calls whose arguments are not valid JSON into
/// rejected calls instead of failing the whole reply.
///
/// ``StreamAccumulator`` (and the providers) throw ``LLMError/invalidToolArguments(toolName:raw:reason:)``
/// for truncated arguments. An agent can do better: keep the call, answer it with an error result that
/// quotes what arrived, and let the model try again.
struct StepCollector {
    struct Collected {
        var response: LLMResponse
        /// Error messages for the calls (by position in `response.toolCalls`) that must not run.
        var rejected: [Int: String]
    }

    private struct Call {
        var id: String
        var name: String
        var arguments = ""
        var finished: ToolCall?
        var rejection: String?
    }

    private var accumulator = StreamAccumulator()
    private var calls: [Int: Call] = [:]

    /// Takes one event; returns the agent event to report for it, if any.
    mutating func consume(_ event: StreamEvent) -> AgentEvent? {
        switch event {
        case .toolCallStart(let index, let id, let name):
            calls[index] = Call(id: id, name: name)
        case .toolCallDelta(let index, let fragment):
            calls[index, default: Call(id: "call_\(index)", name: "")].arguments += fragment
        case .toolCall(let index, let call):
            calls[index, default: Call(id: call.id, name: call.name)].finished = call
        default:
            accumulator.consume(event)
        }
        switch event {
        case .textDelta(let delta, _): return .textDelta(delta)
        case .reasoningDelta(let delta, _) where !delta.isEmpty: return .reasoningDelta(delta)
        default: return nil
        }
    }

    /// Absorbs a provider's invalid-arguments error (the stream ends there). Returns false for any
    /// other error, which the caller rethrows.
    mutating func absorb(_ error: any Error) -> Bool {
        guard case .invalidToolArguments(let toolName, let raw, let reason)? = error as? LLMError else { return false }
        let message = Self.rejection(tool: toolName, raw: raw, reason: reason)
        if let index = calls.keys.sorted().first(where: { calls[$0]?.finished == nil && calls[$0]?.name == toolName }) {
            calls[index]?.rejection = message
        } else {
            // The provider failed before announcing the call: keep it under an id of our own.
            let index = (calls.keys.max() ?? -1) + 1
            calls[index] = Call(id: "call_invalid_\(index)", name: toolName, arguments: raw, rejection: message)
        }
        if !accumulator.isFinished {
            accumulator.consume(.finish(stopReason: .toolCalls, usage: nil, model: nil))
        }
        return true
    }

    func finish() throws -> Collected {
        var response = try accumulator.response()
        var toolCalls: [ToolCall] = []
        var rejected: [Int: String] = [:]
        for index in calls.keys.sorted() {
            guard let call = calls[index] else { continue }
            if let finished = call.finished {
                toolCalls.append(finished)
                continue
            }
            var rejection = call.rejection
            var arguments: JSONValue = [:]
            if rejection == nil {
                do {
                    arguments = try ToolArguments.parse(call.arguments, toolName: call.name)
                } catch {
                    if case .invalidToolArguments(_, let raw, let reason) = error {
                        rejection = Self.rejection(tool: call.name, raw: raw, reason: reason)
                    }
                }
            }
            // A rejected call is kept with empty arguments: the conversation must stay valid JSON.
            if let rejection { rejected[toolCalls.count] = rejection }
            toolCalls.append(ToolCall(id: call.id, name: call.name, arguments: arguments))
        }
        response.toolCalls = toolCalls
        return Collected(response: response, rejected: rejected)
    }

    static func rejection(tool: String, raw: String, reason: String) -> String {
        let shown = raw.count > 300 ? String(raw.prefix(300)) + "…" : raw
        return "Invalid arguments for tool '\(tool)': \(reason). Received: \(shown). "
            + "The tool did not run; call it again with a complete JSON object."
    }
}
