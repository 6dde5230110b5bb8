extension LLMProvider {
    /// Streams a value of `type` while it is generated: each element holds the JSON so far (open strings,
    /// arrays and objects closed) and the decoded value once it decodes; the last element
    /// (``PartialObject/isFinal``) holds the validated value.
    ///
    /// The reply is validated like ``generate(_:model:messages:system:options:)``; if it fails, the repair
    /// rounds are sent without streaming and only their result is delivered.
    ///
    /// ```swift
    /// for try await partial in provider.streamObject(Recipe.self, model: "gpt-4o-mini", messages: [.user("Pancakes")]) {
    ///     print(partial.json["title"]?.stringValue ?? "…")
    ///     if partial.isFinal, let recipe = partial.value { save(recipe) }
    /// }
    /// ```
    public func streamObject<T: Decodable & Sendable>(
        _ type: T.Type, model: String, messages: [Message], system: String? = nil, options: GenerateOptions = .init()
    ) -> AsyncThrowingStream<PartialObject<T>, any Error> {
        streamObject(T.self, from: ChatRequest(model: model, messages: messages, system: system), options: options)
    }

    /// Like ``streamObject(_:model:messages:system:options:)`` for a request you built yourself.
    public func streamObject<T: Decodable & Sendable>(
        _ type: T.Type, from request: ChatRequest, options: GenerateOptions = .init()
    ) -> AsyncThrowingStream<PartialObject<T>, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.runStreamObject(T.self, request: request, options: options) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func runStreamObject<T: Decodable & Sendable>(
        _ type: T.Type, request: ChatRequest, options: GenerateOptions, yield: (PartialObject<T>) -> Void
    ) async throws {
        let target = try StructuredTarget<T>(style: options.style ?? StructuredOutputStyle.inferred(for: self), name: options.schemaName)
        let request = structuredRequest(request, target.responseFormat, options)
        var accumulator = StreamAccumulator()
        var last: JSONValue?
        for try await event in stream(request) {
            accumulator.consume(event)
            guard case .textDelta(_, let snapshot) = event,
                let text = StructuredDecoding.partialJSONText(in: snapshot.text), let parsed = PartialJSON.parse(text),
                // A wrapped value shows once its key has arrived.
                !target.wrapped || parsed[StructuredTarget<T>.wrapperKey] != nil
            else { continue }
            let json = target.unwrap(parsed)
            // Only changes are news (a delta may add whitespace or half a number).
            guard json != last else { continue }
            last = json
            yield(PartialObject(json: json, value: try? StructuredDecoding.decode(T.self, from: json), isFinal: false))
        }
        let result = try await resolveStructured(target, request: request, options: options, first: try accumulator.response())
        yield(PartialObject(json: result.json, value: result.value, isFinal: true))
    }
}
