import Foundation
import Hummingbird
import LLM
import NIOCore

/// The OpenAI endpoints: `POST /v1/chat/completions`, `POST /v1/responses`, `POST /v1/embeddings` and
/// `GET /v1/models[/{id}]`, each
/// answering in OpenAI's format, errors included.
struct OpenAIRoutes: Sendable {
    let live: LiveConfiguration

    /// The router and body limit of the configuration in force (a reload may replace them).
    var router: ModelRouter { live.router }
    var maxBodyBytes: Int { live.maxBodyBytes }
    var access: GatewayAccess { live.access }

    func add(to routes: Router<GatewayRequestContext>) {
        routes.postInTaskOfItsOwn("/v1/chat/completions") { request, context in await chatCompletions(request, context: context) }
        routes.postInTaskOfItsOwn("/v1/responses") { request, context in await responses(request, context: context) }
        routes.postInTaskOfItsOwn("/v1/embeddings") { request, context in await embeddings(request, context: context) }
        routes.get("/v1/models") { _, context in
            GatewayHTTP.json(["object": "list", "data": .array(router.aliases.map(model))], requestID: context.record.requestID)
        }
        routes.get("/v1/models/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            let record = context.record
            record.update { $0.format = "openai-chat" }
            let requestID = record.requestID
            guard router.serves(id) else {
                return error(.modelNotFound(ProviderErrorDetails(provider: "gateway", status: 404, message: "The model `\(id)` does not exist")), requestID: requestID)
            }
            return GatewayHTTP.json(model(id), requestID: requestID)
        }
    }

    private func model(_ alias: String) -> JSONValue {
        ["id": .string(alias), "object": "model", "created": 0, "owned_by": "llm-gateway"]
    }

    // Each route reads, decodes and admits the request, then answers it in a function of its own, never inlined:
    // the two steps' frames are never held at once (see ``GatewayHTTP/answer``).
    private func chatCompletions(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "openai-chat" }
        do {
            let incoming = try OpenAIChatServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            let chat = try await access.admitting(incoming.request, key: record.key, router: router, record: record)
            return try await answer(chat, to: incoming, record: record, client: context.channel)
        } catch {
            return GatewayHTTP.failed(error, record: record, answer: OpenAIChatServerResponse.error)
        }
    }

    @inline(never)
    private func answer(_ chat: ChatRequest, to incoming: OpenAIChatServerRequest, record: RequestRecord, client: any Channel) async throws(LLMError) -> Response {
        let id = GatewayHTTP.newID("chatcmpl-")
        let created = Int(Date().timeIntervalSince1970)
        let encoder = EncoderBox(OpenAIChatStreamEncoder(
            id: id, created: created, model: incoming.request.model, includeUsage: incoming.includeStreamUsage))
        return try await GatewayHTTP.answer(
            chat, stream: incoming.stream, router: router, record: record, client: client,
            reply: { OpenAIChatServerResponse.completion($0, id: id, created: created) },
            encode: { event, buffer in
                for chunk in encoder.value.chunks(for: event) { OpenAIChatStreamEncoder.sseEvent(chunk, into: &buffer) }
            },
            finish: { buffer in buffer.writeString(OpenAIChatStreamEncoder.done) },
            failure: { error, buffer in OpenAIChatStreamEncoder.sseEvent(OpenAIChatServerResponse.streamError(error), into: &buffer) })
    }

    private func responses(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "openai-responses" }
        do {
            let incoming = try OpenAIResponsesServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            let chat = try await access.admitting(incoming.request, key: record.key, router: router, record: record)
            return try await answer(chat, to: incoming, record: record, client: context.channel)
        } catch {
            return GatewayHTTP.failed(error, record: record, answer: OpenAIChatServerResponse.error)
        }
    }

    @inline(never)
    private func answer(_ chat: ChatRequest, to incoming: OpenAIResponsesServerRequest, record: RequestRecord, client: any Channel) async throws(LLMError) -> Response {
        let id = GatewayHTTP.newID("resp_")
        let created = Int(Date().timeIntervalSince1970)
        let encoder = EncoderBox(OpenAIResponsesStreamEncoder(id: id, createdAt: created, model: incoming.request.model))
        return try await GatewayHTTP.answer(
            chat, stream: incoming.stream, router: router, record: record, client: client,
            reply: { OpenAIResponsesServerResponse.response($0, id: id, createdAt: created) },
            encode: { event, buffer in
                for out in encoder.value.events(for: event) { OpenAIResponsesStreamEncoder.sseEvent(out, into: &buffer) }
            },
            finish: { _ in },
            failure: { error, buffer in
                for out in encoder.value.failed(error) { OpenAIResponsesStreamEncoder.sseEvent(out, into: &buffer) }
            })
    }

    private func embeddings(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "openai-embeddings" }
        do {
            let incoming = try OpenAIEmbeddingsServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            let reply = try await GatewayHTTP.embed(incoming.request, access: access, router: router, record: record)
            return GatewayHTTP.json(
                OpenAIEmbeddingsServerResponse.list(reply, model: incoming.request.model, encoding: incoming.encoding),
                requestID: record.requestID)
        } catch {
            return GatewayHTTP.failed(error, record: record, answer: OpenAIChatServerResponse.error)
        }
    }

    private func error(_ error: LLMError, requestID: String) -> Response {
        GatewayHTTP.error(OpenAIChatServerResponse.error(error), requestID: requestID)
    }
}

/// An encoder's state, carried from the request's task to its response body's writer (one at a time).
final class EncoderBox<Encoder>: @unchecked Sendable {
    var value: Encoder
    init(_ value: Encoder) { self.value = value }
}
