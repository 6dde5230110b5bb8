import Foundation
import Hummingbird
import LLM
import NIOCore

/// The Anthropic endpoints: `POST /v1/messages` and `POST /v1/messages/count_tokens`, answering in Anthropic's format,
/// errors included.
struct AnthropicRoutes: Sendable {
    let live: LiveConfiguration

    /// The router and body limit of the configuration in force (a reload may replace them).
    var router: ModelRouter { live.router }
    var maxBodyBytes: Int { live.maxBodyBytes }
    var access: GatewayAccess { live.access }

    func add(to routes: Router<GatewayRequestContext>) {
        routes.postInTaskOfItsOwn("/v1/messages") { request, context in await messages(request, context: context) }
        routes.postInTaskOfItsOwn("/v1/messages/count_tokens") { request, context in await countTokens(request, context: context) }
    }

    /// The same body as a message, without `max_tokens`: `{"input_tokens": N}`.
    private func countTokens(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "anthropic" }
        let requestID = record.requestID
        do {
            var body = try await GatewayHTTP.json(of: request, limit: maxBodyBytes)
            if case .object(var object) = body, object["max_tokens"] == nil {
                object["max_tokens"] = 1
                body = .object(object)
            }
            let incoming = try AnthropicMessagesServerRequest(decoding: body)
            try access.permit(incoming.request.model, key: record.key, router: router)
            let count = try await router.countTokens(incoming.request)
            return GatewayHTTP.json(["input_tokens": .int(count.tokens)], requestID: requestID, headers: [(TokenCount.header, count.headerValue)])
        } catch {
            record.noteError(error)
            return GatewayHTTP.error(AnthropicMessagesServerResponse.error(error), requestID: requestID)
        }
    }

    // Read, decoded and admitted here, answered in a function of its own, never inlined: the two steps' frames are
    // never held at once (see ``GatewayHTTP/answer``).
    private func messages(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "anthropic" }
        do {
            let incoming = try AnthropicMessagesServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            let chat = try await access.admitting(incoming.request, key: record.key, router: router, record: record)
            return try await answer(chat, to: incoming, record: record, client: context.channel)
        } catch {
            return GatewayHTTP.failed(error, record: record, answer: AnthropicMessagesServerResponse.error)
        }
    }

    @inline(never)
    private func answer(_ chat: ChatRequest, to incoming: AnthropicMessagesServerRequest, record: RequestRecord, client: any Channel) async throws(LLMError) -> Response {
        let id = GatewayHTTP.newID("msg_")
        let encoder = EncoderBox(AnthropicMessagesStreamEncoder(id: id, model: incoming.request.model))
        return try await GatewayHTTP.answer(
            chat, stream: incoming.stream, router: router, record: record, client: client,
            reply: { AnthropicMessagesServerResponse.message($0, id: id) },
            encode: { event, buffer in
                for out in encoder.value.events(for: event) { AnthropicMessagesStreamEncoder.sseEvent(out, into: &buffer) }
            },
            finish: { _ in },
            failure: { error, buffer in AnthropicMessagesStreamEncoder.sseEvent(AnthropicMessagesStreamEncoder.errorEvent(error), into: &buffer) })
    }
}
