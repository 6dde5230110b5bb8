import LLM
import NIOConcurrencyHelpers

/// What a reload replaces while the gateway serves: the configuration, the router made from it (aliases, targets,
/// cooldowns) and the body limit. Each request reads it when it starts; a request in flight keeps the router it
/// started with, so a reload drops nothing.
final class LiveConfiguration: Sendable {
    struct Serving: Sendable {
        var configuration: GatewayConfiguration
        var router: ModelRouter
    }

    private let box: NIOLockedValueBox<Serving>
    /// Keys, limits and the ledger: the store cannot change on reload, so neither does this.
    let access: GatewayAccess

    init(_ serving: Serving, access: GatewayAccess) {
        box = NIOLockedValueBox(serving)
        self.access = access
    }

    var current: Serving { box.withLockedValue { $0 } }

    // A request's route reads these rather than `current`: a copy of all of it (and its references retained) in an
    // async route would stay in the route's frame for the whole request.
    var router: ModelRouter { box.withLockedValue { $0.router } }
    var maxBodyBytes: Int { box.withLockedValue { $0.configuration.maxBodyBytes } }

    func replace(with serving: Serving) {
        box.withLockedValue { $0 = serving }
    }
}
