/// Makes a conversation acceptable to every provider before it is sent. A pure function.
///
/// Providers reject a tool result that answers no call, and an assistant tool call left without a
/// result (an interrupted run, a crash between the call and its result, a hand-edited history). The
/// rules, applied in this order:
///
/// 1. An empty assistant turn (no text, no tool calls, no reasoning) is removed.
/// 2. Tool results belong right after the assistant turn whose calls they answer. A result is kept only
///    in that block and only once per call; any other tool message (orphaned, duplicated, answering an
///    id of another turn, or without a ``ToolResult``) is dropped.
/// 3. A call without a result gets an error result saying it was interrupted, inserted right after the
///    assistant turn (after the results it does have).
///
/// Everything else (system, user and assistant messages, their order) is left as it is.
public enum ConversationRepair {
    /// The content of the error result inserted for a call that has none.
    public static let interruptedMessage = "The tool call was interrupted before it returned a result."

    public static func repair(_ messages: [Message]) -> [Message] {
        let messages = messages.filter { !isEmptyAssistantTurn($0) }
        var repaired: [Message] = []
        repaired.reserveCapacity(messages.count)
        var position = 0
        while position < messages.count {
            let message = messages[position]
            position += 1
            // Tool messages are only taken in the block after their assistant turn (below).
            if message.role == .tool { continue }
            repaired.append(message)
            guard message.role == .assistant, !message.toolCalls.isEmpty else { continue }

            let callIDs = Set(message.toolCalls.map(\.id))
            var answered: Set<String> = []
            while position < messages.count, messages[position].role == .tool {
                if let result = messages[position].toolResult, callIDs.contains(result.toolCallID),
                    answered.insert(result.toolCallID).inserted
                {
                    repaired.append(messages[position])
                }
                position += 1
            }
            for call in message.toolCalls where answered.insert(call.id).inserted {
                repaired.append(.tool(ToolResult(toolCallID: call.id, name: call.name, content: interruptedMessage, isError: true)))
            }
        }
        return repaired
    }

    /// No text (empty or absent), no image, no tool call and no reasoning.
    static func isEmptyAssistantTurn(_ message: Message) -> Bool {
        guard message.role == .assistant, message.toolCalls.isEmpty, message.reasoning.isEmpty else { return false }
        return message.content.allSatisfy { part in
            if case .text(let text) = part { return text.isEmpty }
            return false
        }
    }
}
