import Foundation
import Testing

/// The outcome of one run of the `llm` binary.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)" }
}

/// Runs the built `llm` executable (the target is an executable, so tests drive it as a user would).
enum CLIRunner {
    struct BinaryMissing: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "the llm binary was not found (searched: \(searched.joined(separator: ", "))); build it with `swift build --product llm`"
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "llm \(arguments.joined(separator: " ")) did not exit in time" }
    }

    /// `llm` sits in the products directory next to the test bundle: `.build/<triple>/debug/`.
    static func binaryURL() throws -> URL {
        var directories = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        // macOS runs tests from a `.xctest` bundle inside the products directory.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // <root>/Tests/LLMTests/CLI/CLIRunner.swift -> <root>/.build/debug
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        let candidates = directories.map { $0.appendingPathComponent("llm") }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw BinaryMissing(searched: candidates.map(\.path))
    }

    /// Only PATH and HOME from the test's environment, so a developer's OPENAI_API_KEY or LLM_MODEL
    /// cannot change what the tests see.
    static var minimalEnvironment: [String: String] {
        let current = ProcessInfo.processInfo.environment
        return ["PATH": current["PATH"] ?? "/usr/bin:/bin", "HOME": current["HOME"] ?? "/tmp"]
    }

    /// Runs `llm` with `arguments` and the minimal environment plus `extra`; `interruptAfter` sends
    /// SIGINT (Ctrl-C) that long after the start.
    static func run(
        _ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil,
        interruptAfter: Duration? = nil, timeout: Duration = .seconds(60)
    ) async throws -> CLIResult {
        let process = Process()
        process.executableURL = try binaryURL()
        process.arguments = arguments
        process.environment = minimalEnvironment.merging(extra) { _, new in new }

        // Files rather than pipes: nothing can block on a full pipe buffer.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llm-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        let inURL = directory.appendingPathComponent("stdin")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input

        let status: Int32? = try await withCheckedThrowingContinuation { continuation in
            let box = ResumeOnce(continuation)
            process.terminationHandler = { box.resume($0.terminationStatus) }
            do {
                try process.run()
            } catch {
                box.fail(error)
                return
            }
            if let interruptAfter {
                Task {
                    try? await Task.sleep(for: interruptAfter)
                    if process.isRunning { process.interrupt() }
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if process.isRunning {
                    process.terminate()
                    box.resume(nil)
                }
            }
        }
        guard let status else { throw TimedOut(arguments: arguments) }
        return CLIResult(
            status: status,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Resumes a continuation once, whichever of exit and timeout comes first.
    private final class ResumeOnce: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Int32?, any Error>?

        init(_ continuation: CheckedContinuation<Int32?, any Error>) { self.continuation = continuation }

        func resume(_ status: Int32?) { take()?.resume(returning: status) }
        func fail(_ error: any Error) { take()?.resume(throwing: error) }

        private func take() -> CheckedContinuation<Int32?, any Error>? {
            lock.withLock {
                defer { continuation = nil }
                return continuation
            }
        }
    }
}
