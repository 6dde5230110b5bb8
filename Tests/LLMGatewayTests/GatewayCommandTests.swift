import Foundation
import Testing

/// `llm-gateway check` explains a configuration, as a user runs it.
@Suite struct GatewayCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try gatewayBinary()
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theShippedExampleChecksOut() throws {
        let (status, output) = try run(["check", "--config", Self.root.appendingPathComponent("examples/gateway.yaml").path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("1 model alias(es): smol"))
    }

    @Test func aBadConfigurationIsExplainedAndRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml")
        try "allow_anonymous: true\nmodels:\n  - name: a\n    targets: [{model: nosuch/x, api_key_env: NOT_SET_ANYWHERE}]\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        for command in [["check"], ["serve"]] {
            let (status, output) = try run(command + ["--config", file.path])
            #expect(status == 3, "\(command): \(output)")
            #expect(output.contains("unknown provider in \"nosuch/x\""))
            #expect(output.contains("the variable NOT_SET_ANYWHERE is not set"))
        }
    }
}
