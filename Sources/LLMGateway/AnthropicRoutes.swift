import Foundation
import Hummingbird
import LLM
import NIOCore

/// The Anthropic endpoint: `POST /v1/messages`, answering in Anthropic's format, errors included.
struct AnthropicRoutes: Sendable {
    let router: ModelRouter
    let maxBodyBytes: Int

    func add(to routes: Router<BasicRequestContext>) {
        routes.post("/v1/messages") { request, _ in await messages(request) }
    }

    private func messages(_ request: Request) async -> Response {
        let requestID = GatewayHTTP.requestID(of: request)
        do {
            let incoming = try AnthropicMessagesServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            let id = "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            guard incoming.stream else {
                let response = try await router.complete(incoming.request)
                return GatewayHTTP.json(AnthropicMessagesServerResponse.message(response, id: id), requestID: requestID)
            }
            let encoder = EncoderBox(AnthropicMessagesStreamEncoder(id: id, model: incoming.request.model))
            return try await GatewayHTTP.stream(
                router.stream(incoming.request), requestID: requestID,
                encode: { event, buffer in
                    for out in encoder.value.events(for: event) { AnthropicMessagesStreamEncoder.sseEvent(out, into: &buffer) }
                },
                finish: { _ in },
                failure: { error, buffer in AnthropicMessagesStreamEncoder.sseEvent(AnthropicMessagesStreamEncoder.errorEvent(error), into: &buffer) })
        } catch {
            return GatewayHTTP.error(AnthropicMessagesServerResponse.error(error), requestID: requestID)
        }
    }
}
