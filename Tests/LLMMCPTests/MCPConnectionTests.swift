import Foundation
import LLMMCP
import Testing

/// Failures to start or reach a server, with ordinary commands standing in for broken servers.
@Suite struct MCPConnectionTests {
    @Test func aMissingCommandFailsToLaunch() async throws {
        await #expect(throws: MCPConnectionError.launchFailed(command: "/nonexistent/mcp-server", reason: "no executable found")) {
            try await MCPConnection.stdio(command: "/nonexistent/mcp-server")
        }
        await #expect(throws: MCPConnectionError.launchFailed(command: "no-such-mcp-server-anywhere", reason: "no executable found")) {
            try await MCPConnection.stdio(command: "no-such-mcp-server-anywhere")
        }
    }

    @Test func aServerThatExitsReportsItsStatusAndStderrQuickly() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await MCPConnection.stdio(command: "sh", arguments: ["-c", "echo 'no config file' >&2; exit 3"], timeout: .seconds(30))
            Issue.record("expected an error")
        } catch let error as MCPConnectionError {
            #expect(error == .processExited(status: 3, stderr: "no config file"))
        }
        // Well before the 30 s limit: the exit is noticed, not waited out.
        #expect(clock.now - start < .seconds(10))
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // `sleep` reads nothing and answers nothing; closing its stdin does not stop it either.
        do {
            _ = try await MCPConnection.stdio(command: "sleep", arguments: ["60"], timeout: .milliseconds(500))
            Issue.record("expected an error")
        } catch let error as MCPConnectionError {
            #expect(error == .timedOut(operation: "initialize", after: .milliseconds(500)))
        }
    }

    @Test func environmentAndArgumentsReachTheServer() async throws {
        // The variable is only visible to the child: its value comes back through the exit message.
        do {
            _ = try await MCPConnection.stdio(
                command: "sh", arguments: ["-c", "echo \"$GREETING\" >&2; exit 4"], environment: ["GREETING": "hello from env"])
            Issue.record("expected an error")
        } catch let error as MCPConnectionError {
            #expect(error == .processExited(status: 4, stderr: "hello from env"))
        }
    }

    @Test func anUnreachableHTTPServerFails() async throws {
        await #expect(throws: (any Error).self) {
            try await MCPConnection.http(url: URL(string: "http://127.0.0.1:9/mcp")!, timeout: .seconds(5))
        }
    }
}
