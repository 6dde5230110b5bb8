import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// OpenAI's Chat Completions API and every server that speaks it: vLLM, llama.cpp, LM Studio, Groq,
/// OpenRouter, Together, ...
///
/// ```swift
/// let local = OpenAIProvider(configuration: .init(name: "llamacpp", baseURL: "http://127.0.0.1:8080/v1"))
/// let reply = try await local.complete(ChatRequest(model: "any", messages: [.user("Hi")]))
/// ```
public struct OpenAIProvider: LLMProvider {
    public let configuration: OpenAIConfiguration
    private let http: ProviderHTTP
    /// Remembers that this server rejected `stream_options`, so later streams leave it out.
    private let streamUsageRejected = NIOLockedValueBox(false)

    public var name: String { configuration.name }

    public init(
        configuration: OpenAIConfiguration, transport: any HTTPTransport = NIOHTTPTransport.shared,
        retryClock: any RetryClock = SystemRetryClock()
    ) {
        self.configuration = configuration
        self.http = ProviderHTTP(
            provider: configuration.name, transport: transport, timeouts: configuration.timeouts,
            secrets: SecretMasking.secrets(apiKey: configuration.apiKey, headers: configuration.headers),
            retryPolicy: configuration.retryPolicy, retryClock: retryClock, proxy: configuration.proxy)
    }

    /// What this backend supports (see ``ProviderCapabilities``).
    public var capabilities: ProviderCapabilities { ProviderCapabilities.all.subtracting([.reasoningSignatures, .cacheWriteTokens]) }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try capabilities.check(request, provider: name)
        return try await http.runner(for: request).complete { _ in try await completeOnce(request) }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: http.runner(for: request)) { _ in
            try capabilities.check(request, provider: name)
            let response = try await openStream(request)
            return StreamAttempt(body: response.body, decoder: ServerSentEventBodyDecoder(StreamDecoding(http: http)))
        }
    }

    public func listModels() async throws -> [ModelInfo] {
        try await http.runner(for: nil).run { _ in
            let response = try await http.send(
                .GET, url: configuration.baseURL + "/models", headers: configuration.requestHeaders(), json: nil, readsWholeBody: true)
            try await throwIfFailed(response)
            let (list, _) = try await http.readBody(OpenAIModelList.self, of: response)
            return (list.data ?? []).map { ModelInfo(id: $0.id, ownedBy: $0.owned_by) }
        }
    }

    /// Embeddings from `POST {base}/embeddings`, base64 on the wire unless the request says otherwise.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await OpenAIEmbeddings.embed(
            request, http: http, url: configuration.baseURL + "/embeddings", headers: configuration.requestHeaders(),
            classify: errorFor)
    }

    // MARK: - One attempt

    private func completeOnce(_ request: ChatRequest) async throws -> LLMResponse {
        let body = OpenAIRequestMapping.body(for: request, stream: false, includeStreamUsage: false)
        let response = try await http.send(.POST, url: chatURL, headers: configuration.requestHeaders(), json: body, readsWholeBody: true)
        try await throwIfFailed(response)
        let (completion, raw) = try await http.readBody(OpenAIChatCompletion.self, of: response)
        var accumulator = StreamAccumulator()
        for event in try OpenAIResponseMapping.events(for: completion, provider: name) {
            accumulator.consume(event)
        }
        return try accumulator.response(raw: raw)
    }

    /// Sends a streaming request and returns the response once it is known to be a success.
    private func openStream(_ request: ChatRequest) async throws -> TransportResponse {
        let askUsage = configuration.requestStreamUsage && !streamUsageRejected.withLockedValue { $0 }
        var response = try await http.send(
            .POST, url: chatURL, headers: configuration.requestHeaders(streaming: true),
            json: OpenAIRequestMapping.body(for: request, stream: true, includeStreamUsage: askUsage))
        if askUsage, response.status == 400 || response.status == 422 {
            let text = await http.errorText(of: response)
            guard text.contains("stream_options") || text.contains("include_usage") else {
                throw errorFor(status: response.status, headers: response.headers, text: text)
            }
            // This server does not know `stream_options`: ask again without it, and remember.
            streamUsageRejected.withLockedValue { $0 = true }
            response = try await http.send(
                .POST, url: chatURL, headers: configuration.requestHeaders(streaming: true),
                json: OpenAIRequestMapping.body(for: request, stream: true, includeStreamUsage: false))
        }
        try await throwIfFailed(response)
        return response
    }

    /// The stream's events: one chat completion chunk each, up to `[DONE]`.
    private struct StreamDecoding: StreamMessageMapping {
        let http: ProviderHTTP
        var mapper: OpenAIStreamMapper

        init(http: ProviderHTTP) {
            self.http = http
            mapper = OpenAIStreamMapper(provider: http.provider)
        }

        mutating func map(_ event: ServerSentEvent, into events: inout [StreamEvent]) throws -> StreamControl {
            if event.dataIs("[DONE]") { return .stop }
            // Some servers send keep-alive events with empty data.
            if event.dataIsEmpty { return .continue }
            try http.withEvent(OpenAIChatChunk.self, from: event.dataBuffer, updating: &mapper) { chunk, mapper throws(LLMError) in
                try mapper.map(chunk, into: &events)
            }
            return .continue
        }

        mutating func finish(sawEndMarker: Bool, into events: inout [StreamEvent]) throws {
            guard sawEndMarker || mapper.sawFinishReason else {
                throw LLMError.network(reason: "the stream ended before the reply finished")
            }
            events += try mapper.finish()
        }
    }

    // MARK: - HTTP details

    private var chatURL: String { configuration.baseURL + "/chat/completions" }

    private func throwIfFailed(_ response: TransportResponse) async throws {
        try await http.checkStatus(response, classify: errorFor)
    }

    private func errorFor(status: Int, headers: HTTPHeaders, text: String) -> LLMError {
        let envelope = try? OpenAIErrorEnvelope.parse(text)
        var body = envelope?.error
        if body == nil, let message = envelope?.message { body = OpenAIErrorBody(message: message) }
        return OpenAIErrorMapping.error(
            status: status, body: body, raw: text, provider: name, retryAfter: RetryAfter.parse(headers))
    }
}
