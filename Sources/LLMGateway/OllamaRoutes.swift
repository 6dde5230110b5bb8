import Foundation
import Hummingbird
import LLM
import NIOCore

/// Ollama's endpoints: `POST /api/chat` and `POST /api/generate` (NDJSON streams by default), `POST /api/embed` and the older
/// `POST /api/embeddings`, `GET /api/tags`, `POST /api/show` and
/// `GET /api/version`, each answering in Ollama's format, errors included (`{"error": "..."}`).
struct OllamaRoutes: Sendable {
    let live: LiveConfiguration

    /// The router and body limit of the configuration in force (a reload may replace them).
    var router: ModelRouter { live.router }
    var maxBodyBytes: Int { live.maxBodyBytes }
    var access: GatewayAccess { live.access }

    /// ISO 8601 in UTC, as Ollama's `created_at` (Foundation's format style: `ISO8601DateFormatter` goes through ICU,
    /// whose pages it brings into memory).
    static func timestamp() -> String {
        Date().formatted(.iso8601)
    }

    /// The Ollama version this gateway answers `/api/version` with: the API it speaks.
    static let apiVersion = "0.12.0"

    func add(to routes: Router<GatewayRequestContext>) {
        routes.postInTaskOfItsOwn("/api/chat") { request, context in await chat(request, context: context) }
        routes.postInTaskOfItsOwn("/api/generate") { request, context in await generate(request, context: context) }
        routes.postInTaskOfItsOwn("/api/embed") { request, context in await embed(request, context: context, legacy: false) }
        routes.postInTaskOfItsOwn("/api/embeddings") { request, context in await embed(request, context: context, legacy: true) }
        routes.get("/api/tags") { _, context in
            GatewayHTTP.json(["models": .array(router.aliases.map(model))], requestID: context.record.requestID)
        }
        routes.postInTaskOfItsOwn("/api/show") { request, context in await show(request, context: context) }
        routes.get("/api/version") { _, context in
            GatewayHTTP.json(["version": .string(Self.apiVersion)], requestID: context.record.requestID)
        }
    }

    private func model(_ alias: String) -> JSONValue {
        [
            "name": .string(alias), "model": .string(alias), "modified_at": "1970-01-01T00:00:00Z", "size": 0, "digest": "",
            "details": ["format": "", "family": "", "parameter_size": "", "quantization_level": ""],
        ]
    }

    private func embed(_ request: Request, context: GatewayRequestContext, legacy: Bool) async -> Response {
        let record = context.record
        record.update { $0.format = "ollama" }
        do throws(LLMError) {
            let incoming = try OllamaEmbedServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes), legacy: legacy)
            let reply = try await GatewayHTTP.embed(incoming.request, access: access, router: router, record: record)
            let body = legacy
                ? OllamaEmbedServerResponse.embeddings(reply)
                : OllamaEmbedServerResponse.embed(reply, model: incoming.request.model, totalDuration: .now - record.started)
            return GatewayHTTP.json(body, requestID: record.requestID)
        } catch {
            record.noteError(error)
            return GatewayHTTP.error(OllamaChatServerResponse.error(error), requestID: record.requestID)
        }
    }

    private func show(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "ollama" }
        let requestID = record.requestID
        do throws(LLMError) {
            let body = try await GatewayHTTP.json(of: request, limit: maxBodyBytes)
            guard let name = (body["model"] ?? body["name"])?.stringValue else {
                throw GatewayHTTP.invalid("model must be a string", status: 400)
            }
            guard router.serves(name) else {
                throw .modelNotFound(ProviderErrorDetails(provider: "gateway", status: 404, message: "model '\(name)' not found"))
            }
            return GatewayHTTP.json(
                [
                    "modelfile": "", "parameters": "", "template": "", "details": model(name)["details"] ?? [:], "model_info": [:],
                    "modified_at": "1970-01-01T00:00:00Z", "capabilities": ["completion", "tools"],
                ],
                requestID: requestID)
        } catch {
            record.noteError(error)
            return self.error(error, requestID: requestID)
        }
    }

    private func chat(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "ollama" }
        let requestID = record.requestID
        do {
            let key = record.key
            let incoming = try OllamaChatServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            let chat = try await access.admitting(incoming.request, key: key, router: router, record: record)
            let createdAt = Self.timestamp()
            var encoder = OllamaChatStreamEncoder(model: incoming.request.model, createdAt: createdAt)
            return try await answer(
                chat, stream: incoming.stream, record: record, client: context.channel, reply: { OllamaChatServerResponse.reply($0, createdAt: createdAt) },
                lines: { encoder.lines(for: $0) })
        } catch {
            record.noteError(error)
            return self.error(error, requestID: requestID)
        }
    }

    /// A chat's answer in Ollama's way: one object, or NDJSON lines (`lines` for each event, made on the stream's one
    /// writer) ending in an error line if the stream breaks after it began. Never inlined: its frame and the
    /// admission's are never held at once (see ``GatewayHTTP/answer``).
    @inline(never)
    private func answer(
        _ chat: ChatRequest, stream: Bool, record: RequestRecord, client: any Channel, reply: (LLMResponse) -> JSONValue,
        lines: sending @escaping (StreamEvent) -> [JSONValue]
    ) async throws(LLMError) -> Response {
        let encoder = EncoderBox(lines)
        return try await GatewayHTTP.answer(
            chat, stream: stream, router: router, record: record, client: client, contentType: "application/x-ndjson", reply: reply,
            encode: { event, buffer in
                for line in encoder.value(event) { OllamaChatStreamEncoder.line(line, into: &buffer) }
            },
            finish: { _ in },
            failure: { error, buffer in OllamaChatStreamEncoder.line(OllamaChatServerResponse.streamError(error), into: &buffer) })
    }

    private func generate(_ request: Request, context: GatewayRequestContext) async -> Response {
        let record = context.record
        record.update { $0.format = "ollama" }
        let requestID = record.requestID
        do {
            let incoming = try OllamaGenerateServerRequest(decoding: try await GatewayHTTP.json(of: request, limit: maxBodyBytes))
            try access.permit(incoming.request.model, key: record.key, router: router)
            let createdAt = Self.timestamp()
            if incoming.loadsOnly {
                guard router.serves(incoming.request.model) else {
                    throw LLMError.modelNotFound(ProviderErrorDetails(provider: "gateway", status: 404, message: "model '\(incoming.request.model)' not found"))
                }
                return GatewayHTTP.json(OllamaGenerateServerResponse.loaded(model: incoming.request.model, createdAt: createdAt), requestID: requestID)
            }
            let chat = try await access.admitting(incoming.request, key: record.key, router: router, record: record)
            var encoder = OllamaGenerateStreamEncoder(model: incoming.request.model, createdAt: createdAt)
            return try await answer(
                chat, stream: incoming.stream, record: record, client: context.channel, reply: { OllamaGenerateServerResponse.reply($0, createdAt: createdAt) },
                lines: { encoder.lines(for: $0) })
        } catch {
            record.noteError(error)
            return self.error(LLMError(normalising: error), requestID: requestID)
        }
    }

    private func error(_ error: LLMError, requestID: String) -> Response {
        GatewayHTTP.error(OllamaChatServerResponse.error(error), requestID: requestID)
    }
}
