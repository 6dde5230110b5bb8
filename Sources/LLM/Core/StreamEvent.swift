/// One typed part of a streamed reply. Every provider turns its wire format into these, and one
/// ``StreamAccumulator`` turns them into an ``LLMResponse``.
public enum StreamEvent: Sendable, Hashable {
    /// The provider started the reply (id and model when it says them up front).
    case start(id: String?, model: String?)
    /// New text; `snapshot` is all the text so far (``TextSnapshot/text``), shared with the other deltas of the reply.
    case textDelta(String, snapshot: TextSnapshot)
    /// The text is complete.
    case textEnd(String)
    /// A new reasoning block begins.
    case reasoningStart
    /// Reasoning text, or the block's signature when it arrives (often in its own event).
    case reasoningDelta(String, signature: String? = nil)
    /// Opaque, encrypted reasoning (kept to send back, not readable).
    case reasoningRedacted(String)
    /// The model began a tool call. `index` orders the calls of one reply.
    case toolCallStart(index: Int, id: String, name: String)
    /// A fragment of a tool call's JSON arguments, in order.
    case toolCallDelta(index: Int, arguments: String)
    /// A tool call is complete, its arguments parsed.
    case toolCall(index: Int, ToolCall)
    /// Token counts so far (the last one wins).
    case usage(Usage)
    /// The reply is over.
    case finish(stopReason: StopReason, usage: Usage?, model: String?)
}
