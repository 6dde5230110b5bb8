import Foundation
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
        /// The client's key (nil: anonymous).
        var key: StoredKey?
        /// The key it was admitted on, and when (nil: not admitted, so no ledger row).
        var keyID: String?
        var admittedAt: Date?
        var errorKind: String?
        var settled = false
        /// The input tokens estimated at admission, and the bytes of content streamed so far: the usage of a stream
        /// cut before its upstream reported any.
        var inputEstimate: Int?
        var streamedBytes = 0
        /// The price of the target that served, when known.
        var price: ModelPrice?
    }

    /// The id clients see (`x-request-id`, theirs or made here).
    let requestID: String
    /// The id of the request's reservation and ledger row: always made here (a client's id could be anyone's).
    let ledgerID: String
    let method: String
    let path: String
    let started = ContinuousClock.now
    private let fields = NIOLockedValueBox(Fields())
    private let observer: GatewayObserver?
    /// Writes the ledger row of an admitted request (``GatewayAccess/settle(_:status:error:)``).
    private let settler: (@Sendable (RequestRecord, Int, String?) async -> Void)?

    init(
        requestID: String, method: String, path: String, observer: GatewayObserver?,
        settler: (@Sendable (RequestRecord, Int, String?) async -> Void)? = nil, ledgerID: String = "req_" + RandomID.timeOrderedUUID()
    ) {
        self.requestID = requestID
        self.ledgerID = ledgerID
        self.method = method
        self.path = path
        self.observer = observer
        self.settler = settler
    }

    /// Records the request in the ledger if it was admitted: call it before the reply's last bytes go out.
    /// Never inlined, and reading one field rather than a copy of all of them: a stream settles in the task that
    /// writes it, which keeps the largest frames it ever needed for the stream's life.
    @inline(never)
    func settle(status: Int, error: String? = nil) async {
        await settler?(self, status, error ?? fields.withLockedValue { $0.errorKind })
    }

    /// Notes the error a request is answered with, for its ledger row.
    func noteError(_ error: any Error) {
        let kind = LLMError(normalising: error).kind
        update { $0.errorKind = kind }
    }

    /// Marks the record settled; true only the first time.
    func markSettled() -> Bool {
        fields.withLockedValue { fields in
            defer { fields.settled = true }
            return !fields.settled
        }
    }

    /// The request is over: its log line and metrics are written (once, whoever calls first).
    func finish(status: Int, error: LLMError? = nil) {
        observer?.finished(self, status: status, error: error.map(\.kind))
    }

    var snapshot: Fields { fields.withLockedValue { $0 } }

    /// The request's key, without a copy of all the fields (a copy in an async function stays in its frame).
    var key: StoredKey? { fields.withLockedValue { $0.key } }

    var isStreaming: Bool { fields.withLockedValue { $0.streaming } }

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
            case .textDelta(let text, _), .reasoningDelta(let text, _), .toolCallDelta(_, let text):
                if fields.firstToken == nil { fields.firstToken = .now }
                fields.streamedBytes += text.utf8.count
            case .toolCallStart, .toolCall:
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
