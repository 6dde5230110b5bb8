import Foundation
import NIOConcurrencyHelpers
import LLM
import LLMGateway
import Logging
import Testing

/// A gateway started in the test process on a free port of 127.0.0.1, stopped by cancelling its task.
struct RunningGateway {
    let port: Int
    private let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(
        _ configuration: GatewayConfiguration, environment: [String: String] = [:], accessLogger: Logger? = nil,
        metrics: GatewayMetrics = GatewayMetrics()
    ) async throws -> RunningGateway {
        var configuration = configuration
        configuration.listen = "127.0.0.1:0"
        let gateway = try Gateway(configuration: configuration, environment: environment, accessLogger: accessLogger, metrics: metrics)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await gateway.application(onServerRunning: { port in continuation.yield(port) }).run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return RunningGateway(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// An alias served by one OpenAI-compatible upstream.
func alias(_ name: String, _ baseURLs: String..., model: String = "m") -> GatewayConfiguration.ModelAlias {
    GatewayConfiguration.ModelAlias(
        name: name, targets: baseURLs.map { GatewayConfiguration.Target(model: "llamacpp/\(model)", baseURL: $0) })
}

/// Runs `Clients/sdk_client.py` with the official SDKs' Python (`LLM_E2E_SDK_PYTHON`, set by scripts/test.sh)
/// and returns its JSON results by check.
func runSDK(_ sdk: String, gateway: RunningGateway, model: String, checks: [String]) async throws -> [String: JSONValue] {
    try await runSDKScript("sdk_client.py", arguments: [sdk, gateway.baseURL, model] + checks)
}

/// Runs `Clients/<script>` with the official SDKs' Python, `input` on its standard input, and returns the JSON
/// object it prints.
///
/// The process is waited for on a thread of its own: blocking one of the cooperative pool's threads (two on a
/// two-core machine) would leave the gateway in this process too few to answer the client it waits for.
func runSDKScript(_ script: String, arguments: [String], input: Data = Data()) async throws -> [String: JSONValue] {
    guard let python = ProcessInfo.processInfo.environment["LLM_E2E_SDK_PYTHON"] else {
        throw SDKMissing()
    }
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/\(script)").path
    let (status, output, errors) = try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: python)
                process.arguments = [path] + arguments
                let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
                process.standardInput = stdin
                process.standardOutput = stdout
                process.standardError = stderr
                try process.run()
                stdin.fileHandleForWriting.write(input)
                try stdin.fileHandleForWriting.close()
                // Drain standard error alongside, so that neither pipe fills up and stalls the client.
                let errorData = NIOLockedValueBox(Data())
                let drained = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    errorData.withLockedValue { $0 = stderr.fileHandleForReading.readDataToEndOfFile() }
                    drained.signal()
                }
                let data = stdout.fileHandleForReading.readDataToEndOfFile()
                drained.wait()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, data, errorData.withLockedValue { $0 }))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
    guard status == 0, let results = try? JSONValue(parsing: output).objectValue else {
        let errorText = String(decoding: errors, as: UTF8.self)
        throw SDKFailed(description: "\(script) \(arguments.first ?? ""): exit \(status): \(errorText.suffix(3000))")
    }
    return results
}

struct SDKMissing: Error, CustomStringConvertible {
    var description: String { "LLM_E2E_SDK_PYTHON is not set: run scripts/test.sh, which installs the official SDKs" }
}

struct SDKFailed: Error, CustomStringConvertible {
    var description: String
}

/// The built `llm-gateway`, beside the test bundle (`swift test`) or in the folder the test binary runs from.
func gatewayBinary() throws -> URL {
    let candidates = [
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("llm-gateway"),
        Bundle.main.bundleURL.appendingPathComponent("llm-gateway"),
    ]
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build llm-gateway first")
}
