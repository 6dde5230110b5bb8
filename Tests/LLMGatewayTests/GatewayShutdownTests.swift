import Foundation
import LLM
import LLMTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `llm-gateway` run as users run it: SIGTERM stops it after the stream in flight has ended, and it exits 0.
@Suite struct GatewayShutdownTests {
    @Test func sigtermLetsAStreamInFlightFinishThenExitsZero() async throws {
        let upstream = try await StubHTTPServer.start { _ in
            StubResponse(headers: ["content-type": "text/event-stream"], actions: [
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"one "}}]}"# + "\n\n"),
                .pause(.milliseconds(500)),
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"two"},"finish_reason":"stop"}]}"# + "\n\n"),
                .send("data: [DONE]\n\n"),
            ])
        }
        defer { shut(upstream) }
        let port = try await freePort()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml")
        try """
            listen: 127.0.0.1:\(port)
            allow_anonymous: true
            models:
              - name: m
                targets: [{model: llamacpp/m, base_url: "\(upstream.baseURL)/v1"}]
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = try gatewayBinary()
        process.arguments = ["--config", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let client = OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: "http://127.0.0.1:\(port)/v1", retryPolicy: .none))
        try await waitUntilListening(port)

        var text = ""
        for try await event in client.stream(ChatRequest(model: "m", messages: [.user("x")])) {
            guard case .textDelta(let delta, _) = event else { continue }
            if text.isEmpty { kill(process.processIdentifier, SIGTERM) }  // while the stream is in flight
            text += delta
        }

        #expect(text == "one two", "the stream in flight ended whole")
        let exited = await Task.detached { process.waitUntilExit(); return process.terminationStatus }.value
        #expect(exited == 0)
    }

    /// A port nothing listens on now: a stub server's, once it has stopped.
    private func freePort() async throws -> Int {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        let port = server.port
        try await server.shutdown()
        return port
    }

    private func waitUntilListening(_ port: Int) async throws {
        for _ in 0..<200 {
            let probe = try? await NIOHTTPTransport.shared.send(TransportRequest(method: .GET, url: "http://127.0.0.1:\(port)/health", proxy: .direct))
            if let probe {
                _ = try? await probe.body.collect(upTo: 100)
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }
}
