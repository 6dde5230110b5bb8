import Foundation
import NIOCore
import NIOHTTP1

/// Google's Gemini API: Gemini models with thinking (thought summaries and signatures), function calling,
/// images, and native JSON / JSON-schema output.
///
/// ```swift
/// let gemini = GeminiProvider(configuration: .fromEnvironment(ProcessInfo.processInfo.environment))
/// let reply = try await gemini.complete(ChatRequest(model: "gemini-2.5-flash", messages: [.user("Hi")]))
/// ```
public struct GeminiProvider: LLMProvider, TokenCounting {
    public let configuration: GeminiConfiguration
    private let http: ProviderHTTP

    public var name: String { configuration.name }

    public init(
        configuration: GeminiConfiguration, transport: any HTTPTransport = NIOHTTPTransport.shared,
        retryClock: any RetryClock = SystemRetryClock()
    ) {
        self.configuration = configuration
        self.http = ProviderHTTP(
            provider: configuration.name, transport: transport, timeouts: configuration.timeouts,
            secrets: SecretMasking.secrets(apiKey: configuration.apiKey, headers: configuration.headers),
            retryPolicy: configuration.retryPolicy, retryClock: retryClock, proxy: configuration.proxy)
    }

    /// What this backend supports (see ``ProviderCapabilities``). Gemini reports cache reads
    /// (`cachedContentTokenCount`) but no cache writes.
    public var capabilities: ProviderCapabilities { ProviderCapabilities.all.subtracting([.cacheWriteTokens]) }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try capabilities.check(request, provider: name)
        return try await http.runner(for: request).complete { _ in
            let body = GeminiRequestMapping.body(for: request)
            let response = try await http.send(
                .POST, url: url(model: request.model, method: "generateContent"), headers: headers(), json: body,
                readsWholeBody: true)
            try await throwIfFailed(response)
            let (decoded, raw) = try await http.readBody(GeminiResponse.self, of: response)
            var accumulator = StreamAccumulator()
            for event in try GeminiResponseMapping.events(for: decoded, provider: name) { accumulator.consume(event) }
            return try accumulator.response(raw: raw)
        }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: http.runner(for: request)) { _ in
            try capabilities.check(request, provider: name)
            let body = GeminiRequestMapping.body(for: request)
            let response = try await http.send(
                .POST, url: url(model: request.model, method: "streamGenerateContent?alt=sse"),
                headers: headers(streaming: true), json: body)
            try await throwIfFailed(response)
            return StreamAttempt(body: response.body, decoder: ServerSentEventBodyDecoder(StreamDecoding(http: http)))
        }
    }

    /// Counts the input tokens a request would use (`models/{model}:countTokens`, with the whole request so that the
    /// system instruction and tools count too).
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        try await http.runner(for: request).run { _ in
            guard case .object(var whole) = GeminiRequestMapping.body(for: request) else { return 0 }
            whole["model"] = .string(GeminiRequestMapping.resourceName(request.model))
            let response = try await http.send(
                .POST, url: url(model: request.model, method: "countTokens"), headers: headers(),
                json: ["generateContentRequest": .object(whole)], readsWholeBody: true)
            try await throwIfFailed(response)
            return try await http.readBody(GeminiTokenCount.self, of: response).0.totalTokens ?? 0
        }
    }

    /// Embeddings from `:embedContent` (one input) or `:batchEmbedContents`, with the request's task type.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await EmbeddingBatches.run(request, providerLimit: GeminiEmbeddings.maxInputsPerCall, provider: name) { batch in
            try await http.runner(policy: batch.retryPolicy).run { _ in
                let (method, body) = GeminiEmbeddings.call(for: batch)
                let response = try await http.send(
                    .POST, url: url(model: batch.model, method: method), headers: headers(), json: body, readsWholeBody: true)
                try await throwIfFailed(response)
                let reply = try await http.readValue(GeminiEmbeddingReply.self, of: response, maxBytes: 256 * 1024 * 1024)
                return EmbeddingResponse(
                    embeddings: reply.vectors.map(Embedding.init), model: batch.model,
                    usage: Usage(inputTokens: reply.promptTokens ?? 0))
            }
        }
    }

    /// Every model the key can use (`GET /models`, all pages), named without the `models/` prefix.
    public func listModels() async throws -> [ModelInfo] {
        try await http.runner(for: nil).run { _ in
            var models: [ModelInfo] = []
            var pageToken: String?
            repeat {
                var url = configuration.baseURL + "/models?pageSize=1000"
                if let pageToken, let encoded = pageToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                    url += "&pageToken=" + encoded
                }
                let response = try await http.send(.GET, url: url, headers: headers(), json: nil, readsWholeBody: true)
                try await throwIfFailed(response)
                let (list, _) = try await http.readBody(GeminiModelList.self, of: response)
                for model in list.models ?? [] {
                    let id = model.name.hasPrefix("models/") ? String(model.name.dropFirst(7)) : model.name
                    models.append(ModelInfo(id: id, ownedBy: name))
                }
                pageToken = list.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
            } while pageToken != nil
            return models
        }
    }

    /// The stream's events, each a `GenerateContentResponse`. Gemini has no end marker: the stream is
    /// over when the body ends.
    private struct StreamDecoding: StreamMessageMapping {
        let http: ProviderHTTP
        var mapper: GeminiStreamMapper

        init(http: ProviderHTTP) {
            self.http = http
            mapper = GeminiStreamMapper(provider: http.provider)
        }

        mutating func map(_ event: ServerSentEvent, into events: inout [StreamEvent]) throws -> StreamControl {
            if event.dataIsEmpty { return .continue }
            try http.withEvent(GeminiResponse.self, from: event.dataBuffer, updating: &mapper) { chunk, mapper throws(LLMError) in
                try mapper.map(chunk, into: &events)
            }
            return .continue
        }

        mutating func finish(sawEndMarker: Bool, into events: inout [StreamEvent]) throws {
            guard mapper.isComplete else {
                throw LLMError.network(reason: "the stream ended before the reply finished")
            }
            events += try mapper.finish()
        }
    }

    /// `{base}/models/{model}:{method}`; a model already named with its collection (`tunedModels/x`) is kept.
    private func url(model: String, method: String) -> String {
        configuration.baseURL + "/" + GeminiRequestMapping.resourceName(model) + ":" + method
    }

    private func headers(streaming: Bool = false) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let key = configuration.apiKey, !key.isEmpty { headers.add(name: "x-goog-api-key", value: key) }
        headers.add(name: "accept", value: streaming ? "text/event-stream" : "application/json")
        for (name, value) in configuration.headers { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    private func throwIfFailed(_ response: TransportResponse) async throws {
        try await http.checkStatus(response) { status, headers, text in
            let envelope = GeminiErrorEnvelope.read(text)
            return GeminiErrorMapping.error(
                status: status, body: envelope?.error, raw: text, provider: name, retryAfter: RetryAfter.parse(headers))
        }
    }
}
