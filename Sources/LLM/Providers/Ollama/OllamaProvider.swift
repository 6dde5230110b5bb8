import Foundation
import NIOCore
import NIOHTTP1

/// Ollama's native API (`/api/chat`): local models with tools, images, JSON and JSON-schema output, and
/// the reasoning of thinking models. Also ollama.com and proxies in front of Ollama (with a bearer key).
///
/// ```swift
/// let ollama = OllamaProvider(configuration: .fromEnvironment(ProcessInfo.processInfo.environment))
/// let reply = try await ollama.complete(ChatRequest(model: "llama3.2", messages: [.user("Hi")]))
/// ```
public struct OllamaProvider: LLMProvider {
    public let configuration: OllamaConfiguration
    private let http: ProviderHTTP

    public var name: String { configuration.name }

    public init(
        configuration: OllamaConfiguration = OllamaConfiguration(),
        transport: any HTTPTransport = NIOHTTPTransport.shared, retryClock: any RetryClock = SystemRetryClock()
    ) {
        self.configuration = configuration
        self.http = ProviderHTTP(
            provider: configuration.name, transport: transport, timeouts: configuration.timeouts,
            secrets: SecretMasking.secrets(apiKey: configuration.apiKey, headers: configuration.headers),
            retryPolicy: configuration.retryPolicy, retryClock: retryClock, proxy: configuration.proxy)
    }

    /// What this backend supports (see ``ProviderCapabilities``). Ollama has no `tool_choice`, signs no
    /// reasoning, and reports neither cached nor reasoning token counts.
    public var capabilities: ProviderCapabilities {
        ProviderCapabilities.all.subtracting([
            .forcedToolChoice, .reasoningSignatures, .cacheReadTokens, .cacheWriteTokens, .reasoningTokens,
        ])
    }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try capabilities.check(request, provider: name)
        let body = try OllamaRequestMapping.body(for: request, options: configuration.options, stream: false, provider: name)
        return try await http.runner(for: request).complete { _ in
            let response = try await http.send(.POST, url: chatURL, headers: headers(), json: body, readsWholeBody: true)
            try await throwIfFailed(response)
            let (reply, raw) = try await http.readBody(OllamaChatChunk.self, of: response)
            var accumulator = StreamAccumulator()
            for event in try OllamaResponseMapping.events(for: reply, provider: name) { accumulator.consume(event) }
            return try accumulator.response(raw: raw)
        }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: http.runner(for: request)) { _ in
            try capabilities.check(request, provider: name)
            let body = try OllamaRequestMapping.body(for: request, options: configuration.options, stream: true, provider: name)
            let response = try await http.send(.POST, url: chatURL, headers: headers(streaming: true), json: body)
            try await throwIfFailed(response)
            return StreamAttempt(body: response.body, decoder: JSONLineBodyDecoder(StreamDecoding(http: http)))
        }
    }

    /// The models pulled on this server (`GET /api/tags`), by their `name` (e.g. `llama3.2:latest`).
    public func listModels() async throws -> [ModelInfo] {
        try await http.runner(for: nil).run { _ in
            let response = try await http.send(
                .GET, url: configuration.host + "/api/tags", headers: headers(), json: nil, readsWholeBody: true)
            try await throwIfFailed(response)
            let (list, _) = try await http.readBody(OllamaModelList.self, of: response)
            return (list.models ?? []).compactMap { model in (model.name ?? model.model).map { ModelInfo(id: $0) } }
        }
    }

    /// The stream's lines, each a chat chunk, up to the one with `done: true`.
    private struct StreamDecoding: StreamMessageMapping {
        let http: ProviderHTTP
        var mapper: OllamaStreamMapper

        init(http: ProviderHTTP) {
            self.http = http
            mapper = OllamaStreamMapper(provider: http.provider)
        }

        mutating func map(_ line: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl {
            try http.withEvent(OllamaChatChunk.self, from: line, updating: &mapper) { chunk, mapper throws(LLMError) in
                try mapper.map(chunk, into: &events)
            }
            return mapper.sawDone ? .stop : .continue
        }

        mutating func finish(sawEndMarker: Bool, into events: inout [StreamEvent]) throws {
            // Without the `done: true` line the reply was cut off (server crash, dropped connection).
            guard sawEndMarker else {
                throw LLMError.network(reason: "the stream ended before the reply finished")
            }
            events += mapper.finish()
        }
    }

    /// Embeddings from `POST /api/embed`.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await EmbeddingBatches.run(request, providerLimit: OllamaEmbeddings.maxInputsPerCall, provider: name) { batch in
            try await http.runner(policy: batch.retryPolicy).run { _ in
                let response = try await http.send(
                    .POST, url: configuration.host + "/api/embed", headers: headers(), json: OllamaEmbeddings.body(for: batch),
                    readsWholeBody: true)
                try await throwIfFailed(response)
                let reply = try await http.readValue(OllamaEmbedReply.self, of: response, maxBytes: 256 * 1024 * 1024)
                return EmbeddingResponse(
                    embeddings: reply.embeddings.map(Embedding.init), model: reply.model ?? batch.model,
                    usage: Usage(inputTokens: reply.promptEvalCount ?? 0))
            }
        }
    }

    // MARK: - HTTP details

    private var chatURL: String { configuration.host + "/api/chat" }

    private func headers(streaming: Bool = false) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let key = configuration.apiKey, !key.isEmpty { headers.add(name: "authorization", value: "Bearer \(key)") }
        headers.add(name: "accept", value: streaming ? "application/x-ndjson" : "application/json")
        for (name, value) in configuration.headers { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    private func throwIfFailed(_ response: TransportResponse) async throws {
        try await http.checkStatus(response) { status, headers, text in
            let envelope = try? OllamaErrorEnvelope.parse(text)
            return OllamaErrorMapping.error(
                status: status, message: envelope?.error?.message, raw: text, provider: name,
                retryAfter: RetryAfter.parse(headers))
        }
    }
}
