import LLM
import LLMTesting
import NIOConcurrencyHelpers
import NIOHTTP1
import Testing

// Shared machinery of the fault tests: scripted stub servers, stream outcomes, bounded waits.

let faultRequest = ChatRequest(model: "model-x", messages: [.user("Say hello.")])

/// Starts a stub server that answers the n-th request with `script[n]`; the last entry repeats.
func startScriptedServer(_ script: [StubResponse]) async throws -> StubHTTPServer {
    precondition(!script.isEmpty)
    let served = NIOLockedValueBox(0)
    return try await StubHTTPServer.start { _ in
        let index = served.withLockedValue { count in
            defer { count += 1 }
            return count
        }
        return script[min(index, script.count - 1)]
    }
}

extension FaultWire {
    /// A 200 response that plays `actions` with this wire's content type.
    func response(_ actions: [StubResponse.Action]) -> StubResponse {
        StubResponse(status: 200, headers: ["content-type": contentType], actions: actions)
    }

    /// The whole success fixture, one chunk per event, or all in one chunk: the timeout tests need
    /// that, because each chunk costs the stub a hop to the event loop, and on a loaded machine a few
    /// hops can add up to a real idle gap.
    func success(inOneChunk: Bool = false) throws -> StubResponse {
        let events = try events()
        return response((inOneChunk ? [.send(events.joined())] : events.map { .send($0) }) + [.end])
    }

    /// An error answer with this wire's error body for `kind`.
    func failure(status: Int, kind: String, headers: HTTPHeaders = [:]) throws -> StubResponse {
        .json(status, try errorBody(kind), headers: headers)
    }

    /// The head and the content-free events that open the success fixture (none for Gemini, whose first
    /// chunk has text), in one chunk: one write, so no stall of the stub can open a gap inside it.
    func preamble() throws -> [StubResponse.Action] {
        let events = try events()
        let first = try firstContentIndex(events)
        return first == 0 ? [.head] : [.send(events[..<first].joined())]
    }

    /// The preamble and the event carrying "Hello", in one chunk: after it the caller has seen content.
    func throughFirstContent() throws -> [StubResponse.Action] {
        let events = try events()
        let first = try firstContentIndex(events)
        return [.send(events[...first].joined())]
    }

    /// The events after the first content event, through the terminator.
    func afterFirstContent() throws -> [StubResponse.Action] {
        let events = try events()
        let first = try firstContentIndex(events)
        return events[(first + 1)...].map { .send($0) }
    }

    /// The provider against `server` (its base path chosen by the wire).
    func provider(
        _ server: StubHTTPServer, prefix: String = "", timeouts: HTTPTimeouts = FaultOptions.relaxed,
        policy: RetryPolicy = FaultOptions.policy, clock: any RetryClock,
        transport: any HTTPTransport = NIOHTTPTransport.shared
    ) -> any LLMProvider {
        make(server.baseURL + prefix, transport, FaultOptions(timeouts: timeouts, policy: policy, clock: clock))
    }

    /// The fixture decoded with no fault at all (through a ``ReplayTransport``): what a recovered stream must equal.
    func baseline() async throws -> StreamOutcome {
        let transport = ReplayTransport([.init(body: try events().joined())])
        let provider = make("http://replay", transport, FaultOptions(timeouts: .default, policy: .none, clock: RecordingRetryClock()))
        return await collectOutcome(provider.stream(faultRequest))
    }
}

/// Everything a stream delivered, and how it ended.
struct StreamOutcome: Sendable {
    var events: [StreamEvent] = []
    var error: LLMError?
    /// An error of another type than LLMError (never expected).
    var foreignError: String?

    var deltas: [String] { events.compactMap { if case .textDelta(let delta, _) = $0 { delta } else { nil } } }
    var text: String { deltas.joined() }
    var finishCount: Int { events.filter { if case .finish = $0 { true } else { false } }.count }

    var finishUsage: Usage? {
        for case .finish(_, let usage, _) in events { return usage }
        return nil
    }

    /// Each snapshot is exactly the deltas so far: a restarted reply would reset or repeat it.
    var snapshotsAreConsistent: Bool {
        var sofar = ""
        for case .textDelta(let delta, let snapshot) in events {
            sofar += delta
            if snapshot.text != sofar { return false }
        }
        return true
    }
}

/// Reads a stream to its end, recording every event and the error; `onText` runs after each text delta.
func collectOutcome(_ stream: LLMEventStream, onText: @Sendable () -> Void = {}) async -> StreamOutcome {
    var outcome = StreamOutcome()
    do {
        for try await event in stream {
            outcome.events.append(event)
            if case .textDelta = event { onText() }
        }
    } catch let error as LLMError {
        outcome.error = error
    } catch {
        outcome.foreignError = "\(type(of: error)): \(error)"
    }
    return outcome
}

/// The stream delivered the whole reply exactly once, finished once, with the fixture's usage.
func expectRecovered(
    _ outcome: StreamOutcome, like baseline: StreamOutcome, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(outcome.error == nil, "unexpected \(String(describing: outcome.error))", sourceLocation: sourceLocation)
    #expect(outcome.foreignError == nil, sourceLocation: sourceLocation)
    #expect(outcome.text == "Hello there.", "text delivered twice or lost", sourceLocation: sourceLocation)
    #expect(outcome.deltas == baseline.deltas, sourceLocation: sourceLocation)
    #expect(outcome.snapshotsAreConsistent, sourceLocation: sourceLocation)
    #expect(outcome.finishCount == 1, sourceLocation: sourceLocation)
    #expect(outcome.finishUsage == baseline.finishUsage, "usage lost in the retry", sourceLocation: sourceLocation)
    #expect(outcome.finishUsage?.inputTokens == 12 && outcome.finishUsage?.outputTokens == 3, sourceLocation: sourceLocation)
}

/// The stream failed with `kind` after delivering `text` once (no retry may repeat or continue it).
func expectFailed(
    _ outcome: StreamOutcome, kind: String, afterText text: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(outcome.error?.kind == kind, "got \(String(describing: outcome.error))", sourceLocation: sourceLocation)
    #expect(outcome.foreignError == nil, sourceLocation: sourceLocation)
    #expect(outcome.text == text, sourceLocation: sourceLocation)
    #expect(outcome.snapshotsAreConsistent, sourceLocation: sourceLocation)
    #expect(outcome.finishCount == 0, sourceLocation: sourceLocation)
}

/// Polls `condition` every 5 ms until it holds or `timeout` passes: a bounded wait, never a blind sleep.
func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// Counts living instances, to prove that nothing holding a provider outlives its stream.
final class LiveCount: Sendable {
    private let count = NIOLockedValueBox(0)
    var value: Int { count.withLockedValue { $0 } }
    func add(_ delta: Int) { count.withLockedValue { $0 += delta } }
}

/// Forwards to another transport and counts itself alive. A provider holds its transport, and a
/// stream's task holds its provider, so a count back at zero means every stream task has ended.
final class TrackedTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let live: LiveCount

    init(_ base: any HTTPTransport, live: LiveCount) {
        self.base = base
        self.live = live
        live.add(1)
    }

    deinit { live.add(-1) }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await base.send(request)
    }
}

/// A signal a test can wait on with a deadline: counts how many times it fired.
final class FaultSignal: Sendable {
    private let fired = NIOLockedValueBox(0)
    var count: Int { fired.withLockedValue { $0 } }
    func fire() { fired.withLockedValue { $0 += 1 } }
}
