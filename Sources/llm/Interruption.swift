import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an operation that Ctrl-C cancels.
///
/// The first Ctrl-C cancels the operation's task, which cancels the HTTP request; the command then
/// exits with 130. A second Ctrl-C, or a request that does not wind down within two seconds, exits at once.
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var received = false

    /// Whether Ctrl-C was pressed while an operation ran.
    var interrupted: Bool { lock.withLock { received } }

    func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await operation() }
        // Ignore the default action (terminate) so the dispatch source receives the signal instead.
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            let first = lock.withLock {
                defer { received = true }
                return !received
            }
            guard first else { Self.exitNow() }
            task.cancel()
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) { Self.exitNow() }
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return try await task.value
    }

    private static func exitNow() -> Never {
        Terminal.writeError("\nllm: cancelled\n")
        exit(130)
    }
}
