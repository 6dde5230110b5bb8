import LLM
import NIOConcurrencyHelpers

/// A retry clock that records the delays it was asked to wait, and waits for none of them.
final class RecordingRetryClock: RetryClock {
    private let recorded = NIOLockedValueBox<[Duration]>([])

    var delays: [Duration] { recorded.withLockedValue { $0 } }

    func sleep(for duration: Duration) async throws {
        recorded.withLockedValue { $0.append(duration) }
        try Task.checkCancellation()
    }
}
