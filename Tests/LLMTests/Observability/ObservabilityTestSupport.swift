import Foundation
import LLM
import Logging

/// A provider whose stream sends a start and one text delta, then waits until it is cancelled, recording how
/// its stream was terminated.
final class HangingStreamProvider: LLMProvider, @unchecked Sendable {
    let name = "hanging"
    private let lock = NSLock()
    private var recordedTermination: String?

    /// `"cancelled"` or `"finished"` once the inner stream has terminated.
    var termination: String? { lock.withLock { recordedTermination } }

    func complete(_ request: ChatRequest) async throws -> LLMResponse {
        throw LLMError.unsupported(feature: "complete", provider: name)
    }

    func stream(_ request: ChatRequest) -> LLMEventStream {
        let (stream, continuation) = LLMEventStream.makeStream()
        continuation.yield(.start(id: "hang-1", model: request.model))
        continuation.yield(.textDelta("Hel", snapshot: "Hel"))
        let producer = Task {
            try? await Task.sleep(for: .seconds(60))
            continuation.finish()
        }
        continuation.onTermination = { termination in
            producer.cancel()
            let name = if case .cancelled = termination { "cancelled" } else { "finished" }
            self.lock.withLock { self.recordedTermination = name }
        }
        return stream
    }
}

/// A provider that streams exactly the events it is given.
struct ScriptedStreamProvider: LLMProvider {
    var name = "scripted"
    var events: [StreamEvent]

    func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try await stream(request).collectResponse()
    }

    func stream(_ request: ChatRequest) -> LLMEventStream {
        let (stream, continuation) = LLMEventStream.makeStream()
        for event in events { continuation.yield(event) }
        continuation.finish()
        return stream
    }
}

/// A provider whose stream hands over its events in the given batches, as a library provider hands over all it decoded
/// from one read.
struct BatchedStreamProvider: LLMProvider {
    var name = "batched"
    var batches: [[StreamEvent]]

    func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try await stream(request).collectResponse()
    }

    func stream(_ request: ChatRequest) -> LLMEventStream {
        LLMEventStream(puller: BatchPuller(batches))
    }

    private final class BatchPuller: StreamEventPuller, @unchecked Sendable {
        private var batches: [[StreamEvent]]

        init(_ batches: [[StreamEvent]]) {
            self.batches = batches
        }

        func next(into batch: inout [StreamEvent]) async throws {
            guard !batches.isEmpty else { return }
            batch.append(contentsOf: batches.removeFirst())
        }
    }
}

/// A one-shot signal a test can wait for.
struct Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Void>.makeStream()
    }

    func fire() { continuation.yield() }

    func wait() async {
        for await _ in stream { return }
    }
}

func decimal(_ text: String) -> Decimal {
    Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
}

extension Logger {
    /// A logger that drops everything, for tests that look at metrics or spans only.
    static let quiet = Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }
}
