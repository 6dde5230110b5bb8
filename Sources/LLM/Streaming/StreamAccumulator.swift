/// Turns a stream of ``StreamEvent``s into the ``LLMResponse`` they describe.
///
/// This is the one place that assembles a reply: every provider's `complete` and every caller who
/// wants both the live events and the final response use it.
///
/// ```swift
/// var accumulator = StreamAccumulator()
/// for try await event in provider.stream(request) {
///     accumulator.consume(event)
/// }
/// let response = try accumulator.response()
/// ```
public struct StreamAccumulator: Sendable {
    private var text = ""
    private var reasoning: [ReasoningBlock] = []
    private var reasoningOpen = false
    private var pendingCalls: [Int: PendingCall] = [:]
    private var finishedCalls: [Int: ToolCall] = [:]
    private var usage = Usage()
    private var stopReason: StopReason?
    private var model: String?
    private var id: String?

    private struct PendingCall: Sendable {
        var id: String
        var name: String
        var arguments = ""
    }

    public init() {}

    /// Whether a `.finish` event has arrived.
    public var isFinished: Bool { stopReason != nil }

    /// The text received so far.
    public var textSoFar: String { text }

    public mutating func consume(_ event: StreamEvent) {
        switch event {
        case .start(let id, let model):
            if let id { self.id = id }
            if let model { self.model = model }
        case .textDelta(let delta, _):
            text += delta
            reasoningOpen = false
        case .textEnd:
            break
        case .reasoningStart:
            reasoning.append(ReasoningBlock())
            reasoningOpen = true
        case .reasoningDelta(let delta, let signature):
            if !reasoningOpen {
                reasoning.append(ReasoningBlock())
                reasoningOpen = true
            }
            reasoning[reasoning.count - 1].text += delta
            if let signature { reasoning[reasoning.count - 1].signature = signature }
        case .reasoningRedacted(let data):
            reasoning.append(ReasoningBlock(redactedData: data))
            reasoningOpen = false
        case .toolCallStart(let index, let id, let name):
            pendingCalls[index] = PendingCall(id: id, name: name)
            reasoningOpen = false
        case .toolCallDelta(let index, let fragment):
            pendingCalls[index, default: PendingCall(id: "call_\(index)", name: "")].arguments += fragment
        case .toolCall(let index, let call):
            finishedCalls[index] = call
            reasoningOpen = false
        case .usage(let usage):
            self.usage = usage
        case .finish(let stopReason, let usage, let model):
            self.stopReason = stopReason
            if let usage { self.usage = usage }
            if let model { self.model = model }
        }
    }

    /// The assembled reply.
    ///
    /// - Throws: ``LLMError/malformedResponse(reason:raw:)`` if the stream never finished, and
    ///   ``LLMError/invalidToolArguments(toolName:raw:reason:)`` if a tool call's arguments are not a JSON object.
    public func response(raw: JSONValue? = nil) throws(LLMError) -> LLMResponse {
        guard let stopReason else {
            throw .malformedResponse(reason: "the reply ended before its finish event", raw: text)
        }
        var calls: [ToolCall] = []
        for index in Set(pendingCalls.keys).union(finishedCalls.keys).sorted() {
            if let call = finishedCalls[index] {
                calls.append(call)
            } else if let pending = pendingCalls[index] {
                let arguments = try ToolArguments.parse(pending.arguments, toolName: pending.name)
                calls.append(ToolCall(id: pending.id, name: pending.name, arguments: arguments))
            }
        }
        return LLMResponse(
            content: text, toolCalls: calls, reasoning: reasoning, model: model ?? "", usage: usage,
            stopReason: stopReason, id: id, raw: raw)
    }
}

extension AsyncSequence where Element == StreamEvent {
    /// Consumes the whole stream and returns the reply it describes.
    public func collectResponse() async throws -> LLMResponse {
        var accumulator = StreamAccumulator()
        for try await event in self {
            accumulator.consume(event)
        }
        // A cancelled consumer sees its stream end early, not fail: say why, instead of "unfinished".
        if Task.isCancelled, !accumulator.isFinished { throw LLMError.cancelled }
        return try accumulator.response()
    }
}
