/// Waits between retries. Inject your own in tests to record the delays without sleeping.
public protocol RetryClock: Sendable {
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Task.sleep`, cancellable.
public struct SystemRetryClock: RetryClock {
    public init() {}

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
