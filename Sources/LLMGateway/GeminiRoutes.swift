import Foundation
import Hummingbird
import LLM
import NIOCore

/// Gemini's endpoints: `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent` (SSE with `alt=sse`,
/// else a JSON array written as it grows, as Gemini does), `:countTokens`, `:embedContent`, `:batchEmbedContents`, the same under `/v1/`, `GET /v1beta/models` and
/// `GET /v1beta/models/{model}`,
/// each answering in Gemini's format, errors included (`{"error": {"code", "message", "status"}}`).
struct GeminiRoutes: Sendable {
    let live: LiveConfiguration

    /// The router and body limit of the configuration in force (a reload may replace them).
    var router: ModelRouter { live.router }
    var maxBodyBytes: Int { live.maxBodyBytes }
    var access: GatewayAccess { live.access }

    func add(to routes: Router<GatewayRequestContext>) {
        routes.postInTaskOfItsOwn("/v1beta/models/{model}") { request, context in await call(request, context: context, parameter: "model") }
        // The google-genai SDK asks `/v1/` unless told `api_version="v1beta"`. `GET /v1/models` is OpenAI's list, so
        // only the calls are served there (the path's parameter is named as OpenAI's route names it).
        routes.postInTaskOfItsOwn("/v1/models/{id}") { request, context in await call(request, context: context, parameter: "id") }
        routes.get("/v1beta/models") { _, context in
            GatewayHTTP.json(["models": .array(router.aliases.map(model))], requestID: context.record.requestID)
        }
        routes.get("/v1beta/models/{model}") { request, context in
            let name = context.parameters.get("model") ?? ""
            let record = context.record
            record.update { $0.format = "gemini" }
            let requestID = record.requestID
            guard router.serves(name) else { return error(notFound(name), requestID: requestID) }
            return GatewayHTTP.json(model(name), requestID: requestID)
        }
    }

    static let methods = ["generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents"]

    private func model(_ alias: String) -> JSONValue {
        [
            "name": .string("models/" + alias), "displayName": .string(alias),
            "supportedGenerationMethods": .array(Self.methods.map { .string($0) }),
        ]
    }

    private func notFound(_ name: String) -> LLMError {
        .modelNotFound(ProviderErrorDetails(provider: "gateway", status: 404, message: "models/\(name) is not found"))
    }

    // Each method is served by a function of its own, never inlined: inlined here, their frames made this one's
    // 11.6 KiB, held for a stream's life (see ``GatewayHTTP/answer``).
    private func call(_ request: Request, context: GatewayRequestContext, parameter: String) async -> Response {
        let record = context.record
        record.update { $0.format = "gemini" }
        let call = context.parameters.get(parameter) ?? ""
        guard let colon = call.lastIndex(of: ":") else { return GatewayHTTP.failed(notFound(call), record: record, answer: GeminiServerResponse.error) }
        let model = String(call[..<colon])
        let method = String(call[call.index(after: colon)...])
        do throws(LLMError) {
            guard Self.methods.contains(method) else {
                throw GatewayHTTP.invalid("\(method) is not supported (\(Self.methods.joined(separator: ", ")))", status: 404)
            }
            let body = try await GatewayHTTP.json(of: request, limit: maxBodyBytes)
            switch method {
            case "embedContent", "batchEmbedContents":
                return try await embed(body, model: model, batch: method == "batchEmbedContents", record: record)
            case "countTokens":
                return try await countTokens(body, model: model, record: record)
            default:
                let incoming = try GeminiGenerateContentServerRequest(decoding: body, model: model)
                let chat = try await access.admitting(incoming.request, key: record.key, router: router, record: record)
                return try await generate(
                    chat, model: model, stream: method == "streamGenerateContent", sse: request.uri.queryParameters.get("alt") == "sse",
                    record: record, client: context.channel)
            }
        } catch {
            return GatewayHTTP.failed(error, record: record, answer: GeminiServerResponse.error)
        }
    }

    @inline(never)
    private func embed(_ body: JSONValue, model: String, batch: Bool, record: RequestRecord) async throws(LLMError) -> Response {
        let incoming = try GeminiEmbedServerRequest(decoding: body, model: model, batch: batch)
        let reply = try await GatewayHTTP.embed(incoming.request, access: access, router: router, record: record)
        return GatewayHTTP.json(GeminiEmbedServerResponse.reply(reply, batch: incoming.batch), requestID: record.requestID)
    }

    @inline(never)
    private func countTokens(_ body: JSONValue, model: String, record: RequestRecord) async throws(LLMError) -> Response {
        // `contents` alone, or a whole `generateContentRequest` (system instruction and tools count too).
        let whole = (body["generateContentRequest"] ?? body["generate_content_request"]).flatMap { $0 == .null ? nil : $0 } ?? body
        let counted = try GeminiGenerateContentServerRequest(decoding: whole, model: model).request
        try access.permit(counted.model, key: record.key, router: router)
        let count = try await router.countTokens(counted)
        return GatewayHTTP.json(["totalTokens": .int(count.tokens)], requestID: record.requestID, headers: [(TokenCount.header, count.headerValue)])
    }

    /// An admitted `generateContent` or `streamGenerateContent` answered: one reply, an SSE stream (`alt=sse`) or,
    /// without it, one JSON array written element by element.
    @inline(never)
    private func generate(
        _ chat: ChatRequest, model: String, stream: Bool, sse: Bool, record: RequestRecord, client: any Channel
    ) async throws(LLMError) -> Response {
        let id = GatewayHTTP.newID("")
        guard stream else {
            let response = try await router.complete(chat, record: record)
            return GatewayHTTP.json(GeminiServerResponse.reply(response, id: id), requestID: record.requestID)
        }
        let encoder = EncoderBox(GeminiStreamEncoder(id: id, model: model))
        let events = router.stream(chat, record: record)
        if sse {
            return try await GatewayHTTP.stream(
                events, record: record, client: client,
                encode: { event, buffer in
                    for chunk in encoder.value.chunks(for: event) { GeminiStreamEncoder.sseEvent(chunk, into: &buffer) }
                },
                finish: { _ in },
                failure: { error, buffer in GeminiStreamEncoder.sseEvent(GeminiServerResponse.error(error).body, into: &buffer) })
        }
        let written = EncoderBox(0)
        let element: @Sendable (JSONValue, inout ByteBuffer) -> Void = { chunk, buffer in
            buffer.writeString(written.value == 0 ? "[" : ",\r\n")
            written.value += 1
            chunk.writeJSON(to: &buffer)
        }
        return try await GatewayHTTP.stream(
            events, record: record, client: client, contentType: "application/json",
            encode: { event, buffer in
                for chunk in encoder.value.chunks(for: event) { element(chunk, &buffer) }
            },
            finish: { buffer in buffer.writeString(written.value == 0 ? "[]" : "]") },
            failure: { error, buffer in
                element(GeminiServerResponse.error(error).body, &buffer)
                buffer.writeString("]")
            })
    }

    private func error(_ error: LLMError, requestID: String) -> Response {
        GatewayHTTP.error(GeminiServerResponse.error(error), requestID: requestID)
    }
}
