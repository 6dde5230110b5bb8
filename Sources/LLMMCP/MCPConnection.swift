import Foundation
import LLM
import MCP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A connection to a Model Context Protocol server whose tools an ``Agent`` can call.
///
/// ```swift
/// let time = try await MCPConnection.stdio(command: "mcp-server-time")
/// let agent = Agent(provider: provider, model: "gpt-4o-mini", tools: try await time.agentTools())
/// let result = try await agent.run("What time is it in Tokyo?")
/// await time.close()
/// ```
///
/// Every request to the server has a time limit (``timeout``); a server that exits fails the
/// requests waiting on it at once. Call ``close()`` when done: it stops a server it started.
public final class MCPConnection: Sendable {
    /// The server's name and version as it introduced itself.
    public let serverName: String
    public let serverVersion: String
    /// Instructions the server gave for using its tools, if any (worth adding to the system prompt).
    public let instructions: String?
    /// The limit for each request (and for connecting).
    public let timeout: Duration
    private let client: Client
    private let process: StdioServerProcess?

    private init(client: Client, process: StdioServerProcess?, initialized: Initialize.Result, timeout: Duration) {
        self.client = client
        self.process = process
        self.serverName = initialized.serverInfo.name
        self.serverVersion = initialized.serverInfo.version
        self.instructions = initialized.instructions
        self.timeout = timeout
    }

    /// Starts `command` and speaks MCP over its stdin and stdout (the stdio transport).
    ///
    /// - Parameters:
    ///   - command: a path, or a name looked up in `PATH`.
    ///   - environment: variables added to (or replacing those of) this process's environment.
    /// - Throws: ``MCPConnectionError`` when the command cannot start, exits, or does not complete the
    ///   MCP handshake in time.
    public static func stdio(
        command: String, arguments: [String] = [], environment: [String: String] = [:], currentDirectory: URL? = nil,
        timeout: Duration = .seconds(30), clientName: String = "swift-llm", clientVersion: String = "1.0"
    ) async throws -> MCPConnection {
        let process = try StdioServerProcess(command: command, arguments: arguments, environment: environment, currentDirectory: currentDirectory)
        let client = Client(name: clientName, version: clientVersion)
        // A server that exits fails its pending requests now rather than at their time limit.
        try process.start { _ in Task { await client.disconnect() } }
        // Until the handshake is done, keep failing it while the process is gone: a request the client
        // registers after one disconnect would otherwise wait for the full time limit.
        let watcher = Task {
            while !Task.isCancelled {
                if !process.isRunning { await client.disconnect() }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { watcher.cancel() }
        do {
            let initialized = try await withDeadline(timeout, operation: "initialize", abandon: { await client.disconnect() }) {
                try await client.connect(transport: process.transport())
            }
            return MCPConnection(client: client, process: process, initialized: initialized, timeout: timeout)
        } catch {
            watcher.cancel()
            await client.disconnect()
            // A server that exits at once can break the pipe before its exit is seen: give the exit a moment
            // (not after a time-out, when the server is alive and about to be stopped).
            if process.exitStatus == nil, !(error is MCPConnectionError) {
                _ = await process.waitForExit(.seconds(1))
            }
            let status = process.exitStatus
            let stderr = status == nil ? process.stderr : await process.finalStderr(waitingUpTo: .seconds(1))
            await process.stop()
            if let status { throw MCPConnectionError.processExited(status: status, stderr: stderr) }
            throw error
        }
    }

    /// Connects to a server over the Streamable HTTP transport.
    ///
    /// On Linux the SDK cannot read server-sent events, so the server must answer with plain JSON
    /// (most servers can be configured to, e.g. `json_response=True` in the Python SDK); on Apple
    /// platforms both work.
    ///
    /// - Parameter headers: added to every request (for example `Authorization`).
    public static func http(
        url: URL, headers: [String: String] = [:], timeout: Duration = .seconds(30), clientName: String = "swift-llm",
        clientVersion: String = "1.0"
    ) async throws -> MCPConnection {
        let transport = HTTPClientTransport(endpoint: url, streaming: false) { request in
            var request = request
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            return request
        }
        let client = Client(name: clientName, version: clientVersion)
        do {
            let initialized = try await withDeadline(timeout, operation: "initialize", abandon: { await client.disconnect() }) {
                try await client.connect(transport: transport)
            }
            return MCPConnection(client: client, process: nil, initialized: initialized, timeout: timeout)
        } catch {
            await client.disconnect()
            throw error
        }
    }

    /// The server's tools, as a model sees them (name, description, input schema).
    public func listTools() async throws -> [LLM.Tool] {
        try await mcpTools().map { MCPToolContent.definition(of: $0, name: $0.name) }
    }

    /// Calls a tool (`tools/call`) and returns its content as text.
    ///
    /// What the server answers is returned, never thrown: a result it flags `isError` keeps the flag,
    /// and a protocol error (unknown tool, invalid parameters) becomes an error output with its message.
    ///
    /// - Throws: ``MCPConnectionError`` when the server cannot be reached or does not answer in time.
    public func callTool(_ name: String, arguments: JSONValue = [:]) async throws -> ToolOutput {
        let request = CallTool.request(.init(name: name, arguments: MCPValueConversion.arguments(arguments)))
        do {
            let result = try await send(request, operation: "tools/call \(name)")
            let text = MCPToolContent.text(of: result.content, structured: result.structuredContent)
            return ToolOutput(content: text, isError: result.isError ?? false)
        } catch let error as MCPError {
            if isGone { throw MCPConnectionError.closed }
            return .error("MCP server error: \(error.localizedDescription)")
        }
    }

    /// The server's tools, ready for an ``Agent``. Calling one sends `tools/call` to this server.
    ///
    /// - Parameter prefix: put before every tool name (e.g. `"time_"`), to keep the names of several
    ///   servers apart. The server is still called with its own names.
    public func agentTools(prefix: String = "") async throws -> [AnyAgentTool] {
        try await mcpTools().map { tool in
            let name = tool.name
            return AnyAgentTool(definition: MCPToolContent.definition(of: tool, name: prefix + name)) { arguments in
                try await self.callTool(name, arguments: arguments)
            }
        }
    }

    /// Disconnects, and stops the server process this connection started (closing its stdin, then
    /// SIGTERM, then SIGKILL, a couple of seconds apart).
    public func close() async {
        await client.disconnect()
        await process?.stop()
    }

    // A connection dropped without close() still ends its server (tools hold the connection, so this
    // runs once they are gone too).
    deinit { process?.terminate() }

    /// Whether the server process this connection started has ended.
    private var isGone: Bool { process.map { !$0.isRunning } ?? false }

    /// Every tool, following `nextCursor` through the pages.
    private func mcpTools() async throws -> [MCP.Tool] {
        var tools: [MCP.Tool] = []
        var cursor: String?
        repeat {
            let page = try await send(ListTools.request(cursor.map { .init(cursor: $0) } ?? .init()), operation: "tools/list")
            tools += page.tools
            cursor = page.nextCursor
        } while cursor != nil
        return tools
    }

    /// Sends one request and waits at most ``timeout`` for its answer; on timeout the request is
    /// cancelled (the MCP way: a notification to the server) and ``MCPConnectionError/timedOut(operation:after:)``
    /// thrown.
    private func send<M: MCP.Method>(_ request: Request<M>, operation: String) async throws -> M.Result {
        let client = self.client
        let context: RequestContext<M.Result>
        do {
            context = try await client.send(request)
        } catch {
            throw MCPConnectionError.closed
        }
        return try await withDeadline(timeout, operation: operation, abandon: {
            try? await client.cancelRequest(context.requestID, reason: "timed out")
        }) {
            try await context.value
        }
    }
}
