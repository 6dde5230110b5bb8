import Foundation
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An MCP server started as a child process (Foundation `Process`), spoken to over its stdin and
/// stdout through the SDK's `StdioTransport`. Its stderr is kept (the last few KB) for error messages.
final class StdioServerProcess: @unchecked Sendable {
    let command: String
    private let process = Process()
    private let toServer = Pipe()
    private let fromServer = Pipe()
    private let errors = Pipe()
    // Guards `stderrTail` and `onExit`, touched from Foundation's handler threads.
    private let lock = NSLock()
    private var stderrTail = Data()
    /// The server's stderr reached its end (it exited, or closed it): `stderrTail` is complete.
    private var stderrEnded = false
    private var onExit: (@Sendable (Int32) -> Void)?
    private static let stderrLimit = 4_096

    init(command: String, arguments: [String], environment: [String: String], currentDirectory: URL?) throws {
        self.command = command
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        guard let executable = Self.resolve(command, path: merged["PATH"]) else {
            throw MCPConnectionError.launchFailed(command: command, reason: "no executable found")
        }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = merged
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = errors
    }

    /// Starts the process; `onExit` runs once when it ends, with its exit status.
    func start(onExit: @escaping @Sendable (Int32) -> Void) throws {
        Self.ignoreBrokenPipes
        lock.withLock { self.onExit = onExit }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty {
                handle.readabilityHandler = nil
                self.lock.withLock { self.stderrEnded = true }
                return
            }
            self.lock.withLock {
                self.stderrTail.append(data)
                if self.stderrTail.count > Self.stderrLimit { self.stderrTail = self.stderrTail.suffix(Self.stderrLimit) }
            }
        }
        process.terminationHandler = { [weak self] process in
            guard let self else { return }
            let handler = self.lock.withLock { () -> (@Sendable (Int32) -> Void)? in
                defer { self.onExit = nil }
                return self.onExit
            }
            handler?(process.terminationStatus)
        }
        do {
            try process.run()
        } catch {
            throw MCPConnectionError.launchFailed(command: command, reason: String(describing: error))
        }
    }

    /// The SDK transport over the process's stdout (to read) and stdin (to write).
    func transport() -> StdioTransport {
        StdioTransport(
            input: .init(rawValue: fromServer.fileHandleForReading.fileDescriptor),
            output: .init(rawValue: toServer.fileHandleForWriting.fileDescriptor))
    }

    var isRunning: Bool { process.isRunning }

    /// The exit status once the process has ended.
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// What the server wrote to stderr lately.
    var stderr: String {
        lock.withLock { String(decoding: stderrTail, as: UTF8.self) }
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks the server to stop the way the MCP spec says (close its stdin), then SIGTERM, then SIGKILL.
    func stop() async {
        lock.withLock { onExit = nil }
        try? toServer.fileHandleForWriting.close()
        if await waitForExit(.seconds(2)) { return }
        process.terminate()
        if await waitForExit(.seconds(2)) { return }
        kill(process.processIdentifier, SIGKILL)
        _ = await waitForExit(.seconds(2))
    }

    /// SIGTERM without waiting, for a connection dropped without being closed.
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// The server's stderr once it has been read to its end, waiting up to `limit` for that (an exited
    /// server's last words can still be in the pipe when its exit is seen).
    func finalStderr(waitingUpTo limit: Duration) async -> String {
        let deadline = ContinuousClock.now + limit
        while !lock.withLock({ stderrEnded }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return stderr
    }

    /// Whether the process has exited within `limit`.
    func waitForExit(_ limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Writing to a server that has exited raises SIGPIPE, which by default kills the whole app; ignored,
    /// the write fails with EPIPE and the request with an error instead. Done once, and only when the app
    /// has not set its own disposition for SIGPIPE.
    private static let ignoreBrokenPipes: Void = {
        // SIG_DFL is the null handler on every platform: put back any handler that was not the default.
        let previous = signal(SIGPIPE, SIG_IGN)
        if previous != nil { signal(SIGPIPE, previous) }
    }()

    /// `command` itself when it contains a slash, otherwise the first executable of that name in `path`.
    static func resolve(_ command: String, path: String?) -> URL? {
        if command.contains("/") {
            return FileManager.default.isExecutableFile(atPath: command) ? URL(fileURLWithPath: command) : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(command)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
