/// Turns Gemini `GenerateContentResponse` chunks into ``StreamEvent``s. Pure and incremental: feed it each
/// decoded chunk, then call ``finish()`` when the body ends. A whole (non-streamed) response is replayed
/// through the same mapper as one chunk (see ``GeminiResponseMapping``).
///
/// Gemini sends each part complete: function calls arrive whole (arguments as an object), text and
/// thoughts as pieces. `thoughtSignature`s are kept so the next request can put them back: on a
/// function call in ``ToolCall/signature``; on a thought or text part as a ``ReasoningBlock`` signature.
struct GeminiStreamMapper {
    let provider: String

    private var started = false
    private var snapshot = TextSnapshotBuilder()
    private var reasoningOpen = false
    private var toolCount = 0
    private var finishReason: String?
    private var sawEmptyChunk = false
    private var usage: Usage?
    private var model: String?

    init(provider: String) {
        self.provider = provider
    }

    /// Whether the reply is over: a finish reason came, or Gemini answered with no candidate at all (an
    /// empty reply). A body that ends before either was cut off.
    var isComplete: Bool { finishReason != nil || sawEmptyChunk }

    mutating func map(_ chunk: GeminiResponse) throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        try map(chunk, into: &events)
        return events
    }

    /// Appends the events of `chunk` to `events` (a stream reuses that array's storage from chunk to chunk).
    mutating func map(_ chunk: GeminiResponse, into events: inout [StreamEvent]) throws(LLMError) {
        if let error = chunk.error {
            throw GeminiErrorMapping.error(status: nil, body: error, raw: nil, provider: provider, retryAfter: nil)
        }
        if let version = chunk.modelVersion, !version.isEmpty { model = version }
        if !started {
            started = true
            events.append(.start(id: chunk.responseId, model: chunk.modelVersion))
        }
        // Each chunk carries the running totals; the last one wins.
        if let reported = chunk.usageMetadata { usage = reported.usage }
        if let reason = chunk.promptFeedback?.blockReason, !reason.isEmpty, reason != "BLOCK_REASON_UNSPECIFIED" {
            let message = chunk.promptFeedback?.blockReasonMessage ?? "the prompt was blocked (\(reason))"
            throw .contentFiltered(ProviderErrorDetails(provider: provider, message: message, code: reason))
        }
        // One reply per request (candidateCount 1): only the first candidate matters.
        guard let candidate = chunk.candidates?.first else {
            sawEmptyChunk = true
            return
        }
        for part in candidate.content?.parts ?? [] { map(part, into: &events) }
        if let reason = candidate.finishReason, !reason.isEmpty { finishReason = reason }
    }

    private mutating func map(_ part: GeminiPart, into events: inout [StreamEvent]) {
        let signature = part.thoughtSignature.flatMap { $0.isEmpty ? nil : $0 }
        if let call = part.functionCall {
            reasoningOpen = false
            let index = toolCount
            toolCount += 1
            let name = call.name ?? ""
            // Gemini often sends no id (it matches results by name); an index-based id is stable across
            // the streamed and whole forms of the same reply.
            let id = call.id.flatMap { $0.isEmpty ? nil : $0 } ?? Self.generatedID(index)
            // `args` is a protobuf Struct (always an object) and absent for a call without arguments.
            var arguments: JSONValue = .object([:])
            if case .object(let object)? = call.args { arguments = .object(object) }
            events.append(.toolCallStart(index: index, id: id, name: name))
            events.append(.toolCallDelta(index: index, arguments: arguments.jsonString))
            events.append(.toolCall(index: index, ToolCall(id: id, name: name, arguments: arguments, signature: signature)))
            return
        }
        if part.thought == true {
            if !reasoningOpen {
                reasoningOpen = true
                events.append(.reasoningStart)
            }
            if let text = part.text, !text.isEmpty { events.append(.reasoningDelta(text)) }
            if let signature {
                // The signature closes this thought; later thoughts start a new block.
                events.append(.reasoningDelta("", signature: signature))
                reasoningOpen = false
            }
            return
        }
        if let text = part.text, !text.isEmpty {
            reasoningOpen = false
            events.append(.textDelta(text, snapshot: snapshot.append(text)))
        }
        if let signature {
            // A signature on an answer part (or on a part holding nothing else) has no place in the
            // reply's text: it is kept as its own empty reasoning block and goes back on the text part.
            events.append(.reasoningStart)
            events.append(.reasoningDelta("", signature: signature))
            reasoningOpen = false
        }
    }

    /// The closing events: the text end and the finish.
    ///
    /// - Throws: ``LLMError/contentFiltered(_:)`` when a safety stop left no answer at all (retrying would
    ///   not help, and an empty reply would hide why).
    func finish() throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !snapshot.isEmpty { events.append(.textEnd(snapshot.text)) }
        var reason = finishReason.map(GeminiStreamMapper.stopReason) ?? .endTurn
        // Gemini says STOP for a reply that calls functions too.
        if toolCount > 0, reason == .endTurn { reason = .toolCalls }
        if reason == .contentFilter, snapshot.isEmpty, toolCount == 0 {
            throw .contentFiltered(ProviderErrorDetails(
                provider: provider, message: "the reply was blocked (\(finishReason ?? ""))", code: finishReason))
        }
        events.append(.finish(stopReason: reason, usage: usage, model: model))
        return events
    }

    static func stopReason(_ raw: String) -> StopReason {
        switch raw {
        case "STOP": .endTurn
        case "MAX_TOKENS": .maxTokens
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
            .contentFilter
        default: .other(raw)
        }
    }

    /// The id given to a function call Gemini sent without one.
    static func generatedID(_ index: Int) -> String { "call_\(index)" }

    /// Whether `id` is one this mapper made up (and so means nothing to Gemini).
    static func isGeneratedID(_ id: String) -> Bool {
        id.hasPrefix("call_") && !id.dropFirst(5).isEmpty && id.dropFirst(5).allSatisfy(\.isNumber)
    }
}
