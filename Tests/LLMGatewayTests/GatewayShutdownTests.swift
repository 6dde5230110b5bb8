import Foundation
import LLM
import LLMTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `llm-gateway` run as users run it: SIGTERM stops it taking connections, lets the streams in flight end whole, and
/// it exits 0.
@Suite struct GatewayShutdownTests {
    static let streams = 20

    @Test func sigtermLetsTwentyStreamsInFlightFinishThenExitsZero() async throws {
        let upstream = try await StubHTTPServer.start { _ in
            StubResponse(headers: ["content-type": "text/event-stream"], actions: [
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"one "}}]}"# + "\n\n"),
                .pause(.milliseconds(1500)),
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"two"},"finish_reason":"stop"}]}"# + "\n\n"),
                .send("data: [DONE]\n\n"),
            ])
        }
        defer { shut(upstream) }
        let (process, port, file) = try await startGatewayProcess(upstream: upstream)
        defer {
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: file)
        }
        let client = OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: "http://127.0.0.1:\(port)/v1", retryPolicy: .none))

        // Twenty streams; SIGTERM once every one has its first words.
        let started = AsyncStream.makeStream(of: Void.self)
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<Self.streams {
                group.addTask {
                    var text = ""
                    for try await event in client.stream(ChatRequest(model: "m", messages: [.user("x")])) {
                        guard case .textDelta(let delta, _) = event else { continue }
                        if text.isEmpty { started.continuation.yield() }
                        text += delta
                    }
                    return text
                }
            }
            var count = 0
            for await _ in started.stream {
                count += 1
                if count == Self.streams { break }
            }
            kill(process.processIdentifier, SIGTERM)
            // It stops taking connections while the streams are still running.
            #expect(try await refusesConnections(port), "a new connection was accepted after SIGTERM")
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(texts.count == Self.streams)
        #expect(texts.allSatisfy { $0 == "one two" }, "every stream in flight ended whole: \(texts)")
        let exited = await Task.detached { process.waitUntilExit(); return process.terminationStatus }.value
        #expect(exited == 0)
    }

    /// Whether connections to `port` are refused within a second (the streams in flight last longer).
    private func refusesConnections(_ port: Int) async throws -> Bool {
        for _ in 0..<100 {
            do {
                let probe = try await NIOHTTPTransport.shared.send(TransportRequest(method: .GET, url: "http://127.0.0.1:\(port)/health", proxy: .direct))
                _ = try? await probe.body.collect(upTo: 100)
            } catch {
                return true
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
