import Foundation
import LLM
import LLMGateway
import LLMTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A configuration replaced while the gateway serves: new requests see it at once, requests in flight finish with the
/// one they started with, and a bad configuration is refused with the old one kept.
@Suite struct GatewayReloadTests {
    static let slowStream: StubHTTPServer.Handler = { _ in
        StubResponse(headers: ["content-type": "text/event-stream"], actions: [
            .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"one "}}]}"# + "\n\n"),
            .pause(.milliseconds(300)),
            .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"two"},"finish_reason":"stop"}]}"# + "\n\n"),
            .send("data: [DONE]\n\n"),
        ])
    }

    @Test func aReloadServesTheNewAliasesAndLetsAStreamInFlightFinish() async throws {
        let upstream = try await StubHTTPServer.start(Self.slowStream)
        defer { shut(upstream) }
        var configuration = GatewayConfiguration(models: [alias("old", upstream.baseURL + "/v1")])
        configuration.listen = "127.0.0.1:0"
        let gateway = try Gateway(configuration: configuration, environment: [:])
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task { try await gateway.application(onServerRunning: { continuation.yield($0) }).run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let client = OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: "http://127.0.0.1:\(port)/v1", retryPolicy: .none))

        var text = ""
        var next = configuration
        next.models = [alias("new", upstream.baseURL + "/v1")]
        for try await event in client.stream(ChatRequest(model: "old", messages: [.user("x")])) {
            guard case .textDelta(let delta, _) = event else { continue }
            if text.isEmpty { try gateway.reload(next, environment: [:]) }  // while the stream is in flight
            text += delta
        }

        #expect(text == "one two", "the stream in flight ended whole")
        #expect(gateway.configuration.models.map(\.name) == ["new"])
        await #expect(throws: LLMError.self) { try await client.complete(ChatRequest(model: "old", messages: [.user("x")])) }
        let names = try await client.listModels().map(\.id)
        #expect(names == ["new"])

        // A bad configuration changes nothing.
        var bad = next
        bad.models = [alias("dup", upstream.baseURL + "/v1"), alias("dup", upstream.baseURL + "/v1")]
        #expect(throws: GatewayConfigurationError.self) { try gateway.reload(bad, environment: [:]) }
        var moved = next
        moved.listen = "127.0.0.1:1"
        #expect(throws: GatewayConfigurationError.self) { try gateway.reload(moved, environment: [:]) }
        #expect(try await client.listModels().map(\.id) == ["new"])
    }

    @Test func sighupReloadsTheFileAndABadFileIsRefused() async throws {
        let errors = PipeCollector()
        let (process, port, file) = try await startGatewayProcess(standardError: errors.pipe)
        defer {
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: file)
        }
        let client = OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: "http://127.0.0.1:\(port)/v1", retryPolicy: .none))
        #expect(try await client.listModels().map(\.id) == ["m"])

        try """
            listen: 127.0.0.1:\(port)
            allow_anonymous: true
            models:
              - name: reloaded
                targets: [{model: llamacpp/m, base_url: "http://127.0.0.1:9/v1"}]
            """.write(to: file, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { try await client.listModels().map(\.id) == ["reloaded"] }, "SIGHUP reloaded the file")

        try "models: [{name: broken, targets: [{model: nosuchprovider/x}]}]\nlisten: 127.0.0.1:\(port)\n".write(to: file, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        let refusal = try await eventually { errors.text.contains("configuration refused") }
        #expect(refusal, "the refusal is logged")
        #expect(try await client.listModels().map(\.id) == ["reloaded"], "the old configuration stays in force")
        #expect(process.isRunning)
    }

    /// `LLM_LOG_LEVEL=warning` leaves out the access log (a line a request at info); a value that is no level is refused.
    @Test func theLogLevelComesFromTheEnvironment() async throws {
        for (level, logged) in [("info", true), ("WARNING", false)] {
            let errors = PipeCollector()
            let (process, port, file) = try await startGatewayProcess(standardError: errors.pipe, environment: ["LLM_LOG_LEVEL": level])
            defer {
                if process.isRunning { process.terminate() }
                try? FileManager.default.removeItem(at: file)
            }
            let client = OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: "http://127.0.0.1:\(port)/v1", retryPolicy: .none))
            #expect(try await client.listModels().map(\.id) == ["m"])
            process.terminate()
            process.waitUntilExit()
            let written = try #require(try await errors.whole(), "the gateway's standard error ends when it exits")
            #expect(written.contains("path=/v1/models") == logged, "LLM_LOG_LEVEL=\(level): \(written)")
        }

        let process = Process()
        process.executableURL = try gatewayBinary()
        process.arguments = ["--config", "/nonexistent.yaml"]
        process.environment = ["PATH": "/usr/bin:/bin", "LLM_LOG_LEVEL": "loud"]
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        #expect(output.contains(#"LLM_LOG_LEVEL: "loud" is not a level (trace, debug, info, notice, warning, error, critical)"#), "\(output)")
    }

    /// Whether `condition` holds within five seconds (a signal is handled a moment after it is sent).
    private func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
