import Hummingbird
import NIOCore

/// The request context of the gateway's routes: Hummingbird's, and the request's ``RequestRecord``.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Filled in by the routes and the router as they serve the request; read by ``AccessLogMiddleware``.
    var record: RequestRecord
    /// The client's connection: its end cancels a stream written on it (see ``ClientDepartureHandler``).
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        // A placeholder until AccessLogMiddleware makes the request's own (no id is drawn for it).
        record = RequestRecord(requestID: "", method: "", path: "", observer: nil, ledgerID: "")
    }
}
