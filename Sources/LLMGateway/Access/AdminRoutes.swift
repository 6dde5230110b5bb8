import Foundation
import Hummingbird
import LLM

/// The admin API, for the holder of the master key (`Authorization: Bearer <master key>`):
///
/// - `POST /admin/keys` `{"name", "models", "rpm", "tpm", "budget_usd", "budget_period", "expires_at"}` -> 201 with
///   the key, shown this once
/// - `GET /admin/keys`, `GET /admin/keys/{id}`: settings and use in the budget period (`spent_usd`, `requests`, `tokens`)
/// - `PATCH /admin/keys/{id}` (any setting; `null` clears a limit), `DELETE /admin/keys/{id}` (revoked at once)
/// - `GET /admin/usage?key_id=&alias=&since=&until=&limit=`: ledger rows, newest first
///
/// Errors are `{"error": {"message", "type"}}` with a 4xx; bad input changes nothing.
struct AdminRoutes: Sendable {
    let administration: KeyAdministration
    let masterKeyHash: String
    /// This instance's cache of keys, from which a key changed here is evicted at once.
    let keys: KeyCache

    func add(to routes: Router<GatewayRequestContext>) {
        routes.post("/admin/keys") { request, context in
            await guarded(request, context) { .init(status: 201, body: try await administration.create(try await Self.body(of: request))) }
        }
        routes.get("/admin/keys") { request, context in await guarded(request, context) { .init(status: 200, body: try await administration.list()) } }
        routes.get("/admin/keys/{id}") { request, context in
            await guarded(request, context) { .init(status: 200, body: try await administration.show(context.parameters.get("id") ?? "")) }
        }
        routes.patch("/admin/keys/{id}") { request, context in
            await guarded(request, context) {
                let id = context.parameters.get("id") ?? ""
                defer { keys.evict(id: id) }
                return .init(status: 200, body: try await administration.update(id, try await Self.body(of: request)))
            }
        }
        routes.delete("/admin/keys/{id}") { request, context in
            await guarded(request, context) {
                let id = context.parameters.get("id") ?? ""
                defer { keys.evict(id: id) }
                return .init(status: 200, body: try await administration.revoke(id))
            }
        }
        routes.get("/admin/usage") { request, context in
            await guarded(request, context) {
                let parameters = request.uri.queryParameters
                let query = try KeyAdministration.query(
                    keyID: parameters.get("key_id"), alias: parameters.get("alias"), since: parameters.get("since"), until: parameters.get("until"),
                    limit: parameters.get("limit"))
                return .init(status: 200, body: try await administration.usage(query))
            }
        }
    }

    /// An admin answer: its status and JSON body.
    struct Answer {
        var status: Int
        var body: JSONValue
    }

    /// Runs `body` if the request carries the master key; a refusal or a store failure becomes an error answer.
    private func guarded(_ request: Request, _ context: GatewayRequestContext, _ body: () async throws -> Answer) async -> Response {
        let requestID = context.record.requestID
        context.record.update { $0.format = "admin" }
        let presented = GatewayAccess.presentedKey(request).map(GatewayKeySecret.hash) ?? ""
        guard GatewayKeySecret.constantTimeEquals(presented, masterKeyHash) else {
            return GatewayHTTP.json(
                Self.error(.init(status: 401, message: "the admin API needs the master key", type: "authentication_error")), status: 401, requestID: requestID)
        }
        do {
            let answer = try await body()
            return GatewayHTTP.json(answer.body, status: answer.status, requestID: requestID)
        } catch let refusal as KeyAdministration.Refusal {
            return GatewayHTTP.json(Self.error(refusal), status: refusal.status, requestID: requestID)
        } catch {
            return GatewayHTTP.json(
                Self.error(.init(status: 503, message: "the key store cannot be used", type: "server_error")), status: 503, requestID: requestID)
        }
    }

    static func error(_ refusal: KeyAdministration.Refusal) -> JSONValue {
        ["error": ["message": .string(refusal.message), "type": .string(refusal.type)]]
    }

    static func body(of request: Request) async throws -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try await GatewayHTTP.json(of: request, limit: 64 * 1024)
        } catch {
            throw KeyAdministration.Refusal(status: error.httpStatus ?? 400, message: error.details?.message ?? "the body is not valid JSON")
        }
        guard case .object(let object) = value else { throw KeyAdministration.Refusal(status: 400, message: "the body must be a JSON object") }
        return object
    }
}
