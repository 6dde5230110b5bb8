import Foundation
import LLM
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

    @Test func theShippedKeysExampleChecksOut() throws {
        let process = Process()
        process.executableURL = try gatewayBinary()
        process.arguments = ["check", "--config", Self.root.appendingPathComponent("examples/gateway-keys.yaml").path]
        process.environment = ["PATH": "/usr/bin:/bin", "LLM_GATEWAY_MASTER_KEY": "example-master-key-0123456789"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
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

    /// `keys` and `usage` work on the store the configuration names, with no gateway running.
    @Test func keysAreAdministeredFromTheCommandLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("gateway.yaml")
        try """
            allow_anonymous: false
            store: {sqlite: "\(directory.appendingPathComponent("store.db").path)"}
            models: [{name: smol, targets: [{model: llamacpp/smol}]}]
            """.write(to: file, atomically: true, encoding: .utf8)

        let (created, output) = try run(["keys", "create", "--config", file.path, "--name", "ci", "--models", "smol", "--rpm", "30", "--budget-usd", "2.5"])
        #expect(created == 0, "\(output)")
        let key = try JSONValue(parsing: output)
        let id = try #require(key["id"]?.stringValue)
        #expect(key["key"]?.stringValue?.hasPrefix("llmgw-") == true)
        #expect(key["budget_usd"] == 2.5 && key["rpm"] == 30 && key["models"] == ["smol"])

        let (_, updated) = try run(["keys", "update", "--config", file.path, id, "--rpm", "none", "--budget-period", "daily"])
        #expect(try JSONValue(parsing: updated)["rpm"] == .null)
        #expect(try JSONValue(parsing: updated)["budget_period"] == "daily")
        let (_, revoked) = try run(["keys", "revoke", "--config", file.path, id])
        #expect(try JSONValue(parsing: revoked)["revoked"] == true)
        let (_, listed) = try run(["keys", "list", "--config", file.path])
        #expect(try JSONValue(parsing: listed)["data"]?.arrayValue?.map { $0["id"] } == [.string(id)])
        #expect(!listed.contains("llmgw-"), "the secret is shown once, at creation")
        let (usageStatus, usage) = try run(["usage", "--config", file.path, "--by", "alias"])
        #expect(usageStatus == 0 && (try? JSONValue(parsing: usage))?["data"] == [], "\(usage)")

        let (refused, message) = try run(["keys", "update", "--config", file.path, id, "--budget-period", "weekly"])
        #expect(refused == 3)
        #expect(message.contains("budget_period: total, daily or monthly"))
        let (unknown, _) = try run(["keys", "show", "--config", file.path, "key_nosuch"])
        #expect(unknown == 3)
    }
}
