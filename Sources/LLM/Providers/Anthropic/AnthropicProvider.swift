import Foundation
import NIOCore
import NIOHTTP1

/// Anthropic's Messages API: Claude models, extended thinking with signatures, prompt caching,
/// tool use, and structured output.
public struct AnthropicProvider: LLMProvider, TokenCounting {
    public let configuration: AnthropicConfiguration
    private let http: ProviderHTTP

    public var name: String { configuration.name }

    public init(
        configuration: AnthropicConfiguration, transport: any HTTPTransport = NIOHTTPTransport.shared,
        retryClock: any RetryClock = SystemRetryClock()
    ) {
        self.configuration = configuration
        self.http = ProviderHTTP(
            provider: configuration.name, transport: transport, timeouts: configuration.timeouts,
            secrets: SecretMasking.secrets(apiKey: configuration.apiKey, headers: configuration.headers),
            retryPolicy: configuration.retryPolicy, retryClock: retryClock, proxy: configuration.proxy)
    }

    /// What this backend supports (see ``ProviderCapabilities``).
    public var capabilities: ProviderCapabilities { ProviderCapabilities.all.subtracting([.jsonObject, .seed, .reasoningTokens, .embeddings]) }

    public func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try capabilities.check(request, provider: name)
        return try await http.runner(for: request).complete { _ in
            let body = AnthropicRequestMapping.body(for: request, options: configuration.options, stream: false)
            let response = try await http.send(
                .POST, url: configuration.baseURL + "/messages", headers: headers(), json: body, readsWholeBody: true)
            try await throwIfFailed(response)
            let (message, raw) = try await http.readBody(AnthropicMessage.self, of: response)
            var mapper = mapper(for: request)
            var accumulator = StreamAccumulator()
            for event in try AnthropicResponseMapping.events(for: message, mapper: &mapper) { accumulator.consume(event) }
            return try accumulator.response(raw: raw)
        }
    }

    public func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: http.runner(for: request)) { _ in
            try capabilities.check(request, provider: name)
            let body = AnthropicRequestMapping.body(for: request, options: configuration.options, stream: true)
            let response = try await http.send(
                .POST, url: configuration.baseURL + "/messages", headers: headers(streaming: true), json: body)
            try await throwIfFailed(response)
            let decoding = StreamDecoding(http: http, mapper: mapper(for: request))
            return StreamAttempt(body: response.body, decoder: ServerSentEventBodyDecoder(decoding))
        }
    }

    /// Counts the input tokens a request would use (`/v1/messages/count_tokens`).
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        try await http.runner(for: request).run { _ in
            var body = AnthropicRequestMapping.body(for: request, options: configuration.options, stream: false)
            if case .object(var object) = body {
                object["max_tokens"] = nil
                body = .object(object)
            }
            let response = try await http.send(
                .POST, url: configuration.baseURL + "/messages/count_tokens", headers: headers(), json: body,
                readsWholeBody: true)
            try await throwIfFailed(response)
            return try await http.readBody(AnthropicTokenCount.self, of: response).0.input_tokens
        }
    }

    public func listModels() async throws -> [ModelInfo] {
        try await http.runner(for: nil).run { _ in
            let response = try await http.send(
                .GET, url: configuration.baseURL + "/models", headers: headers(), json: nil, readsWholeBody: true)
            try await throwIfFailed(response)
            let (list, _) = try await http.readBody(AnthropicModelList.self, of: response)
            return (list.data ?? []).map { ModelInfo(id: $0.id, ownedBy: name) }
        }
    }

    private func mapper(for request: ChatRequest) -> AnthropicStreamMapper {
        let forcedTool: Bool
        if case .jsonSchema = request.responseFormat { forcedTool = !configuration.options.nativeStructuredOutput } else { forcedTool = false }
        return AnthropicStreamMapper(provider: name, toolCarriesStructuredOutput: forcedTool)
    }

    /// The stream's events, up to `message_stop`.
    private struct StreamDecoding: StreamMessageMapping {
        let http: ProviderHTTP
        var mapper: AnthropicStreamMapper

        mutating func map(_ event: ServerSentEvent, into events: inout [StreamEvent]) throws -> StreamControl {
            if event.dataIsEmpty { return .continue }
            try http.withEvent(AnthropicStreamEvent.self, from: event.dataBuffer, updating: &mapper) { decoded, mapper throws(LLMError) in
                try mapper.map(decoded, into: &events)
            }
            return mapper.sawMessageStop ? .stop : .continue
        }

        mutating func finish(sawEndMarker: Bool, into events: inout [StreamEvent]) throws {
            guard sawEndMarker else {
                throw LLMError.network(reason: "the stream ended before the reply finished")
            }
            events += mapper.finish()
        }
    }

    private func headers(streaming: Bool = false) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let key = configuration.apiKey, !key.isEmpty { headers.add(name: "x-api-key", value: key) }
        headers.add(name: "anthropic-version", value: configuration.version)
        if !configuration.betas.isEmpty { headers.add(name: "anthropic-beta", value: configuration.betas.joined(separator: ",")) }
        headers.add(name: "accept", value: streaming ? "text/event-stream" : "application/json")
        for (name, value) in configuration.headers { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    private func throwIfFailed(_ response: TransportResponse) async throws {
        try await http.checkStatus(response) { status, headers, text in
            let envelope = try? AnthropicErrorEnvelope.parse(text)
            return AnthropicErrorMapping.error(
                status: status, body: envelope?.error, raw: text, provider: name, retryAfter: RetryAfter.parse(headers))
        }
    }
}
