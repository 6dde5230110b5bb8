import LLM

/// Turns a ``MockReply`` into the events a real provider would stream.
enum MockScript {
    static let model = "mock-model"

    static func events(for reply: MockReply, request: ChatRequest, provider: String) throws -> [Result<StreamEvent, LLMError>] {
        var events: [Result<StreamEvent, LLMError>] = [.success(.start(id: "mock-\(request.messages.count)", model: model))]
        if let reasoning = reply.reasoning {
            events.append(.success(.reasoningStart))
            for word in words(reasoning.text) { events.append(.success(.reasoningDelta(word))) }
            if let signature = reasoning.signature { events.append(.success(.reasoningDelta("", signature: signature))) }
        }
        var text = ""
        var calls: [ToolCall] = []
        switch reply.content {
        case .error(let error):
            return [.failure(error)]
        case .text(let value):
            text = value
        case .toolCalls(let toolCalls, let value):
            text = value
            calls = toolCalls
        case .json(let value):
            text = value.jsonString
        case .jsonFromRequestSchema:
            guard case .jsonSchema(_, let schema, _) = request.responseFormat else {
                return [.failure(.invalidRequest(ProviderErrorDetails(provider: provider, message: "the request has no JSON schema response format")))]
            }
            text = SchemaExample.value(for: schema.value).jsonString
        case .textThenError(let value, let error):
            var snapshot = TextSnapshotBuilder()
            for word in words(value) {
                events.append(.success(.textDelta(word, snapshot: snapshot.append(word))))
            }
            events.append(.failure(error))
            return events
        }
        var snapshot = TextSnapshotBuilder()
        for word in words(text) {
            events.append(.success(.textDelta(word, snapshot: snapshot.append(word))))
        }
        if !text.isEmpty { events.append(.success(.textEnd(text))) }
        for (index, call) in calls.enumerated() {
            events.append(.success(.toolCallStart(index: index, id: call.id, name: call.name)))
            events.append(.success(.toolCallDelta(index: index, arguments: call.arguments.jsonString)))
            events.append(.success(.toolCall(index: index, call)))
        }
        let usage = reply.usage ?? Usage(
            inputTokens: request.messages.reduce(0) { $0 + words($1.text).count }, outputTokens: words(text).count)
        let stop = reply.stopReason ?? (calls.isEmpty ? .endTurn : .toolCalls)
        events.append(.success(.finish(stopReason: stop, usage: usage, model: model)))
        return events
    }

    /// Splits text into words that keep their leading whitespace, so the pieces join back exactly.
    static func words(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace, !current.isEmpty, !(current.last?.isWhitespace ?? false) {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
