import LLM
import NIOConcurrencyHelpers

/// What the gateway learns about one client request while serving it: which format it came in, which alias and
/// target served it, when the first token left, what it used. Its access-log line and metrics are made from it.
final class RequestRecord: Sendable {
    struct Fields: Sendable {
        var format = "none"
        var alias: String?
        var provider: String?
        var upstreamModel: String?
        var usage: Usage?
        var firstToken: ContinuousClock.Instant?
        var streaming = false
        var finished = false
    }

    let requestID: String
    let method: String
    let path: String
    let started = ContinuousClock.now
    private let fields = NIOLockedValueBox(Fields())
    private let observer: GatewayObserver?

    init(requestID: String, method: String, path: String, observer: GatewayObserver?) {
        self.requestID = requestID
        self.method = method
        self.path = path
        self.observer = observer
    }

    /// The request is over: its log line and metrics are written (once, whoever calls first).
    func finish(status: Int, error: LLMError? = nil) {
        observer?.finished(self, status: status, error: error.map(\.kind))
    }

    var snapshot: Fields { fields.withLockedValue { $0 } }

    func update(_ change: (inout Fields) -> Void) {
        fields.withLockedValue { change(&$0) }
    }

    /// Marks the record finished; true only the first time, so a request is logged and counted once.
    func markFinished() -> Bool {
        fields.withLockedValue { fields in
            defer { fields.finished = true }
            return !fields.finished
        }
    }

    /// Notes what a stream event says: the first content's time, the usage.
    func observe(_ event: StreamEvent) {
        fields.withLockedValue { fields in
            switch event {
            case .textDelta, .reasoningDelta, .toolCallStart, .toolCall:
                if fields.firstToken == nil { fields.firstToken = .now }
            case .usage(let usage):
                fields.usage = usage
            case .finish(_, let usage?, _):
                fields.usage = usage
            default:
                break
            }
        }
    }
}
