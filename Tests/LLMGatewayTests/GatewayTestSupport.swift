import Foundation
import LLM
import LLMGateway
import Testing

/// A gateway started in the test process on a free port of 127.0.0.1, stopped by cancelling its task.
struct RunningGateway {
    let port: Int
    private let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(_ configuration: GatewayConfiguration, environment: [String: String] = [:]) async throws -> RunningGateway {
        var configuration = configuration
        configuration.listen = "127.0.0.1:0"
        let gateway = try Gateway(configuration: configuration, environment: environment)
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
func runSDK(_ sdk: String, gateway: RunningGateway, model: String, checks: [String]) throws -> [String: JSONValue] {
    guard let python = ProcessInfo.processInfo.environment["LLM_E2E_SDK_PYTHON"] else {
        throw SDKMissing()
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/sdk_client.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script.path, sdk, gateway.baseURL, model] + checks
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, let results = try JSONValue(parsing: data).objectValue else {
        throw SDKFailed(description: "exit \(process.terminationStatus): \(errorText.suffix(2000))")
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
