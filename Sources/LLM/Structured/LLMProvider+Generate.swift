extension LLMProvider {
    /// Asks the model for a value of `type` and returns it decoded.
    ///
    /// The JSON Schema is derived from the type (see ``JSONSchema/derived(from:)``), reshaped for this
    /// provider (see ``StructuredOutputStyle``) and sent as the request's NATIVE structured-output format.
    /// The reply is validated against the schema; an invalid reply is sent back with its errors for
    /// ``GenerateOptions/repairAttempts`` more tries before ``StructuredOutputError`` is thrown.
    ///
    /// ```swift
    /// struct City: Decodable { var name: String; var country: String; var population: Int? }
    /// let city = try await provider.generate(City.self, model: "gpt-4o-mini", messages: [.user("The capital of Norway")])
    /// ```
    public func generate<T: Decodable>(
        _ type: T.Type, model: String, messages: [Message], system: String? = nil, options: GenerateOptions = .init()
    ) async throws -> T {
        try await generateResponse(T.self, from: ChatRequest(model: model, messages: messages, system: system), options: options).value
    }

    /// Like ``generate(_:model:messages:system:options:)`` for a request you built yourself (tools,
    /// reasoning, extra fields...). Its `responseFormat` is replaced; `options.maxTokens` and
    /// `options.temperature` replace the request's only when set.
    public func generate<T: Decodable>(_ type: T.Type, from request: ChatRequest, options: GenerateOptions = .init()) async throws -> T {
        try await generateResponse(T.self, from: request, options: options).value
    }

    /// Like ``generate(_:from:options:)``, also returning the last reply and the usage of every round.
    public func generateResponse<T: Decodable>(
        _ type: T.Type, from request: ChatRequest, options: GenerateOptions = .init()
    ) async throws -> StructuredResponse<T> {
        let target = try StructuredTarget<T>(style: options.style ?? StructuredOutputStyle.inferred(for: self), name: options.schemaName)
        return try await resolveStructured(target, request: structuredRequest(request, target.responseFormat, options), options: options, first: nil)
    }

    /// `request` carrying the structured format and the options' overrides.
    func structuredRequest(_ request: ChatRequest, _ format: ResponseFormat, _ options: GenerateOptions) -> ChatRequest {
        var request = request
        request.responseFormat = format
        if let maxTokens = options.maxTokens { request.maxTokens = maxTokens }
        if let temperature = options.temperature { request.temperature = temperature }
        return request
    }

    /// Evaluates replies until one is valid or the repair rounds run out. `first` is a reply already
    /// received for `request` (streamed), else the first round sends `request`.
    func resolveStructured<T: Decodable>(
        _ target: StructuredTarget<T>, request: ChatRequest, options: GenerateOptions, first: LLMResponse?
    ) async throws -> StructuredResponse<T> {
        var request = request
        var usage = Usage()
        var attempts = 0
        var pending = first
        while true {
            let response: LLMResponse
            if let reply = pending {
                response = reply
                pending = nil
            } else {
                response = try await complete(request)
            }
            attempts += 1
            usage += response.usage
            switch target.evaluate(response.content) {
            case .success(let result):
                return StructuredResponse(value: result.value, json: result.json, response: response, usage: usage, attempts: attempts)
            case .failure(let problem):
                // More of the same limit would be cut off again: say so instead of repairing.
                if response.stopReason == .maxTokens { throw StructuredOutputError.truncated(raw: response.content) }
                guard attempts <= max(0, options.repairAttempts) else { throw problem.error(raw: response.content) }
                request.messages += [response.message, .user(problem.repairPrompt)]
            }
        }
    }
}
