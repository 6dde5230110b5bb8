import Foundation
import LLM
import LLMMCP
import LLMTesting
import Testing

/// LLMMCP against real MCP servers from PyPI: mcp-server-time over stdio, and a server built on the
/// `mcp` package over Streamable HTTP.
@Suite(.enabled(if: MCPTestServers.isConfigured, "set LLM_E2E_MCP_TIME to the mcp-server-time executable"), .serialized)
struct MCPEndToEndTests {
    func connectTime() async throws -> MCPConnection {
        try await MCPConnection.stdio(command: try #require(MCPTestServers.time), timeout: .seconds(30))
    }

    @Test func listsTheTimeServersTools() async throws {
        let time = try await connectTime()
        let tools = try await time.listTools()
        await time.close()

        #expect(time.serverName == "mcp-time")
        #expect(Set(tools.map(\.name)) == ["get_current_time", "convert_time"])
        let current = try #require(tools.first { $0.name == "get_current_time" })
        #expect(!current.description.isEmpty)
        #expect(current.parameters.value["type"] == "object")
        #expect(current.parameters.value["properties"]?["timezone"]?["type"] == "string")
        #expect(current.parameters.value["required"] == ["timezone"])
    }

    @Test func getsTheCurrentTimeInUTC() async throws {
        let time = try await connectTime()
        let output = try await time.callTool("get_current_time", arguments: ["timezone": "UTC"])
        await time.close()

        #expect(!output.isError)
        let reply = try JSONValue(parsing: output.content)
        #expect(reply["timezone"] == "UTC")
        let stamp = try #require(reply["datetime"]?.stringValue)
        let date = try #require(ISO8601DateFormatter().date(from: stamp))
        #expect(abs(date.timeIntervalSinceNow) < 300)
    }

    @Test func badArgumentsComeBackAsErrorResults() async throws {
        let time = try await connectTime()
        let wrongType = try await time.callTool("get_current_time", arguments: ["timezone": 42])
        let unknownZone = try await time.callTool("get_current_time", arguments: ["timezone": "Not/A_Zone"])
        let missing = try await time.callTool("get_current_time")
        // An unknown tool is a protocol error on the server's side: still an error result here.
        let unknownTool = try await time.callTool("get_weather", arguments: ["city": "Paris"])
        await time.close()

        #expect(wrongType.isError)
        #expect(wrongType.content.contains("timezone"))
        #expect(unknownZone.isError)
        #expect(unknownZone.content.contains("Not/A_Zone"))
        #expect(missing.isError)
        #expect(unknownTool.isError)
        #expect(unknownTool.content.contains("get_weather"))
    }

    @Test func theAgentLoopCallsTheServersTools() async throws {
        let time = try await connectTime()
        let tools = try await time.agentTools(prefix: "time_")
        let mock = MockProvider(replies: [
            .toolCall("time_get_current_time", arguments: ["timezone": "UTC"], id: "call_t"),
            .text("It is some time in UTC."),
        ])
        let result = try await Agent(provider: mock, model: "m", tools: tools).run("What time is it in UTC?")
        await time.close()

        #expect(Set(mock.requests[0].tools.map(\.name)) == ["time_get_current_time", "time_convert_time"])
        let toolResult = try #require(result.steps.first?.toolResults.first)
        #expect(!toolResult.isError)
        #expect(toolResult.toolCallID == "call_t")
        #expect(try JSONValue(parsing: toolResult.content)["timezone"] == "UTC")
        #expect(mock.requests[1].messages.last?.toolResult == toolResult)
    }

    @Test func callsAfterCloseFail() async throws {
        let time = try await connectTime()
        await time.close()
        await #expect(throws: MCPConnectionError.closed) {
            try await time.callTool("get_current_time", arguments: ["timezone": "UTC"])
        }
    }

    @Test func httpTransport() async throws {
        let server = try PythonHTTPServer(python: try #require(MCPTestServers.python))
        defer { server.stop() }
        let connection = try await connectWhenReady(server.url)
        let tools = try await connection.listTools()
        let sum = try await connection.callTool("add", arguments: ["a": 2, "b": 40])
        let failure = try await connection.callTool("fail", arguments: ["reason": "on purpose"])
        let badArguments = try await connection.callTool("add", arguments: ["a": "two"])
        await connection.close()

        #expect(Set(tools.map(\.name)) == ["add", "fail"])
        #expect(tools.first { $0.name == "add" }?.description == "Adds two integers.")
        #expect(!sum.isError)
        #expect(sum.content == "42")
        #expect(failure.isError)
        #expect(badArguments.isError)
    }

    /// uvicorn needs a moment after printing the port: retry until the handshake works.
    private func connectWhenReady(_ url: URL) async throws -> MCPConnection {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                return try await MCPConnection.http(url: url, timeout: .seconds(10))
            } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
