import Foundation

/// Where the tests find the real MCP servers. `scripts/test.sh` installs mcp-server-time from PyPI into
/// a virtualenv and sets `LLM_E2E_MCP_TIME` to its executable.
enum MCPTestServers {
    static let environment = ProcessInfo.processInfo.environment
    /// Path of the `mcp-server-time` executable.
    static let time = environment["LLM_E2E_MCP_TIME"]
    static var isConfigured: Bool { time != nil }

    /// The Python that has the `mcp` package: `LLM_E2E_MCP_PYTHON`, else the `python3` beside
    /// mcp-server-time (both live in the same virtualenv's bin folder).
    static var python: String? {
        if let python = environment["LLM_E2E_MCP_PYTHON"] { return python }
        guard let time else { return nil }
        return URL(fileURLWithPath: time).deletingLastPathComponent().appendingPathComponent("python3").path
    }

    /// The small HTTP MCP server script beside this file.
    static let httpServerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Servers/http_server.py").path
}

/// Runs Servers/http_server.py (a real MCP server from the `mcp` package, over Streamable HTTP).
final class PythonHTTPServer: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    let port: Int

    init(python: String) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [MCPTestServers.httpServerScript]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints "PORT <n>" before it starts serving.
        var text = ""
        let reader = output.fileHandleForReading
        while !text.contains("\n") {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "http_server.py printed \(text)"])
        }
        self.port = port
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/mcp")! }

    /// SIGTERM, then SIGKILL: uvicorn's graceful shutdown waits for idle keep-alive connections.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }
}
