import Foundation
import NIOCore
import NIOHTTP1

/// OpenAI's Responses API (`POST /responses`), and the servers that speak it (llama.cpp, gateways).
///
/// It takes the same ``OpenAIConfiguration`` as ``OpenAIProvider`` (base URL, key, organization, project,
/// headers). Nothing is stored server-side (`store: false`); reasoning comes back encrypted inside each
/// ``ReasoningBlock`` and is sent back with the reply's ``LLMResponse/message`` on the next turn.
///
/// ```swift
/// let openAI = OpenAIResponsesProvider(configuration: .fromEnvironment(ProcessInfo.processInfo.environment))
/// let reply = try await openAI.complete(ChatRequest(model: "gpt-5-mini", messages: [.user("Hi")]))
/// ```
public struct OpenAIResponsesProvider: LLMProvider {
    public let configuration: OpenAIConfiguration
    private let http: ProviderHTTP

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

    /// What this backend supports (see ``ProviderCapabilities``). The Responses API has no stop sequences
    /// and no seed; its encrypted reasoning is sent back whole rather than as a signature; usage reports no
    /// cache writes.
    public var capabilities: ProviderCapabilities {
        ProviderCapabilities.all.subtracting([.stopSequences, .seed, .reasoningSignatures, .cacheWriteTokens])
    }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try capabilities.check(request, provider: name)
        return try await http.runner(for: request).complete { _ in
            let body = OpenAIResponsesRequestMapping.body(for: request, stream: false)
            let response = try await http.send(
                .POST, url: responsesURL, headers: configuration.requestHeaders(), json: body, readsWholeBody: true)
            try await throwIfFailed(response)
            let (object, raw) = try await http.readBody(OpenAIResponsesObject.self, of: response)
            var accumulator = StreamAccumulator()
            for event in try OpenAIResponsesResponseMapping.events(for: object, provider: name) {
                accumulator.consume(event)
            }
            return try accumulator.response(raw: raw)
        }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: http.runner(for: request)) { _ in
            try capabilities.check(request, provider: name)
            let body = OpenAIResponsesRequestMapping.body(for: request, stream: true)
            let response = try await http.send(.POST, url: responsesURL, headers: configuration.requestHeaders(streaming: true), json: body)
            try await throwIfFailed(response)
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

    /// The stream's typed events, up to `response.completed` (or another final event).
    private struct StreamDecoding: StreamMessageMapping {
        let http: ProviderHTTP
        var mapper: OpenAIResponsesStreamMapper

        init(http: ProviderHTTP) {
            self.http = http
            mapper = OpenAIResponsesStreamMapper(provider: http.provider)
        }

        mutating func map(_ event: ServerSentEvent, into events: inout [StreamEvent]) throws -> StreamControl {
            // The API sends no `[DONE]`; some compatible servers do, and keep-alives with empty data.
            if event.dataIsEmpty { return .continue }
            if event.dataIs("[DONE]") { return .stop }
            try http.withEvent(OpenAIResponsesStreamEvent.self, from: event.dataBuffer, updating: &mapper) { decoded, mapper throws(LLMError) in
                // The type is in the data; the SSE `event:` name says the same, for servers that leave it out.
                if decoded.type == nil, event.event != "message" {
                    var named = decoded
                    named.type = event.event
                    try mapper.map(named, into: &events)
                } else {
                    try mapper.map(decoded, into: &events)
                }
            }
            return mapper.isFinished ? .stop : .continue
        }

        mutating func finish(sawEndMarker: Bool, into events: inout [StreamEvent]) throws {
            guard mapper.isFinished else {
                throw LLMError.network(reason: "the stream ended before the reply finished")
            }
            events += try mapper.finish()
        }
    }

    /// Embeddings from the same server's `POST {base}/embeddings` (the Responses API has none of its own).
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await OpenAIEmbeddings.embed(
            request, http: http, url: configuration.baseURL + "/embeddings", headers: configuration.requestHeaders()
        ) { [name] status, headers, text in
            OpenAIResponsesErrorMapping.error(status: status, headers: headers, text: text, provider: name)
        }
    }

    // MARK: - HTTP details

    private var responsesURL: String { configuration.baseURL + "/responses" }

    private func throwIfFailed(_ response: TransportResponse) async throws {
        try await http.checkStatus(response) { status, headers, text in
            OpenAIResponsesErrorMapping.error(status: status, headers: headers, text: text, provider: name)
        }
    }
}
