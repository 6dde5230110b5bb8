import Foundation
import NIOConcurrencyHelpers
import LLM
import LLMGateway
import LLMTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Logging
import Testing

/// A gateway started in the test process on a free port of 127.0.0.1, stopped by cancelling its task.
struct RunningGateway {
    let port: Int
    private let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(
        _ configuration: GatewayConfiguration, environment: [String: String] = [:], accessLogger: Logger? = nil,
        metrics: GatewayMetrics = GatewayMetrics(), store: (any GatewayStore)? = nil
    ) async throws -> RunningGateway {
        var configuration = configuration
        configuration.listen = "127.0.0.1:0"
        let gateway = try Gateway(
            configuration: configuration, environment: environment, accessLogger: accessLogger, metrics: metrics, store: store)
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
func runSDK(_ sdk: String, gateway: RunningGateway, model: String, checks: [String]) async throws -> [String: JSONValue] {
    try await runSDKScript("sdk_client.py", arguments: [sdk, gateway.baseURL, model] + checks)
}

/// Runs `Clients/<script>` with the official SDKs' Python, `input` on its standard input, and returns the JSON
/// object it prints.
///
/// The process is waited for on a thread of its own: blocking one of the cooperative pool's threads (two on a
/// two-core machine) would leave the gateway in this process too few to answer the client it waits for.
func runSDKScript(_ script: String, arguments: [String], input: Data = Data()) async throws -> [String: JSONValue] {
    guard let python = ProcessInfo.processInfo.environment["LLM_E2E_SDK_PYTHON"] else {
        throw SDKMissing()
    }
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/\(script)").path
    let (status, output, errors) = try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: python)
                process.arguments = [path] + arguments
                let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
                process.standardInput = stdin
                process.standardOutput = stdout
                process.standardError = stderr
                try process.run()
                stdin.fileHandleForWriting.write(input)
                try stdin.fileHandleForWriting.close()
                // Drain standard error alongside, so that neither pipe fills up and stalls the client.
                let errorData = NIOLockedValueBox(Data())
                let drained = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    errorData.withLockedValue { $0 = stderr.fileHandleForReading.readDataToEndOfFile() }
                    drained.signal()
                }
                let data = stdout.fileHandleForReading.readDataToEndOfFile()
                drained.wait()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, data, errorData.withLockedValue { $0 }))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
    guard status == 0, let results = try? JSONValue(parsing: output).objectValue else {
        let errorText = String(decoding: errors, as: UTF8.self)
        throw SDKFailed(description: "\(script) \(arguments.first ?? ""): exit \(status): \(errorText.suffix(3000))")
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

// MARK: The llm-gateway process

/// Starts the built `llm-gateway` on a free port with a configuration serving alias `m` from `upstream` (or the YAML
/// given), and waits until it answers. Its standard error is returned as it is written, for log lines.
func startGatewayProcess(
    upstream: StubHTTPServer? = nil, yaml: ((Int) -> String)? = nil, standardError: Pipe? = nil, environment: [String: String] = [:]
) async throws -> (Process, Int, URL) {
    let port = try await freePort()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml")
    let text = yaml?(port) ?? """
        listen: 127.0.0.1:\(port)
        allow_anonymous: true
        models:
          - name: m
            targets: [{model: llamacpp/m, base_url: "\(upstream?.baseURL ?? "http://127.0.0.1:9")/v1"}]
        """
    try text.write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = try gatewayBinary()
    process.arguments = ["--config", file.path]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = standardError ?? FileHandle.nullDevice
    try process.run()
    try await waitUntilListening(port)
    return (process, port, file)
}

/// A port nothing listens on now: a stub server's, once it has stopped.
func freePort() async throws -> Int {
    let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
    let port = server.port
    try await server.shutdown()
    return port
}

/// Waits (ten seconds at most) until something answers `/health` on `port`.
func waitUntilListening(_ port: Int) async throws {
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

/// Collects what a child process writes to a pipe, on a thread of its own (reading a pipe blocks).
final class PipeCollector: Sendable {
    let pipe = Pipe()
    private let collected = NIOLockedValueBox("")

    private let ended = NIOLockedValueBox(false)

    init() {
        let handle = pipe.fileHandleForReading
        let collected = self.collected
        let ended = self.ended
        Thread.detachNewThread {
            while case let data = handle.availableData, !data.isEmpty {
                collected.withLockedValue { $0 += String(decoding: data, as: UTF8.self) }
            }
            ended.withLockedValue { $0 = true }
        }
    }

    var text: String { collected.withLockedValue { $0 } }

    /// All the process wrote, once it closed its end (it exited); nil if it did not within five seconds.
    func whole() async throws -> String? {
        for _ in 0..<250 {
            if ended.withLockedValue({ $0 }) { return text }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

// MARK: Scripted upstreams and plain HTTP

/// An OpenAI-compatible upstream that answers "Hello there." (5 input and 3 output tokens), whole or streamed in two
/// deltas with a usage chunk.
func helloUpstream() async throws -> StubHTTPServer {
    try await StubHTTPServer.start { request in
        guard request.body.contains(#""stream":true"#) else {
            return .json(200, #"{"id":"c","model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#)
        }
        return .sse([
            #"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"}}]}"#,
            #"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":" there."},"finish_reason":"stop"}]}"#,
            #"data: {"id":"c","model":"up","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3}}"#,
            "data: [DONE]",
        ])
    }
}

/// One HTTP exchange with a JSON body (or none) and the answer's status, text and headers.
func exchange(
    _ method: HTTPMethod, _ url: String, _ body: JSONValue? = nil, bearer: String? = nil
) async throws -> (status: Int, text: String, headers: HTTPHeaders) {
    var headers: HTTPHeaders = ["content-type": "application/json"]
    if let bearer { headers.add(name: "authorization", value: "Bearer \(bearer)") }
    var buffer: ByteBuffer?
    if let body {
        var bytes = ByteBuffer()
        body.writeJSON(to: &bytes)
        buffer = bytes
    }
    let response = try await NIOHTTPTransport.shared.send(TransportRequest(method: method, url: url, headers: headers, body: buffer, proxy: .direct))
    return (response.status, String(buffer: try await response.body.collect(upTo: 1 << 22)), response.headers)
}

/// The body chunks of one HTTP/1.1 exchange over a plain socket, as the server wrote them (`transfer-encoding:
/// chunked`: one chunk a write of the response body). The request is sent as given and must ask for
/// `connection: close`; the answer is read until the server closes.
func chunksOfRawExchange(port: Int, _ request: String) async throws -> [String] {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
        channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
    }
    var bytes = ByteBuffer()
    try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request))
        for try await var piece in inbound { bytes.writeBuffer(&piece) }
    }
    // Bytes, not a String: "\r\n" is one Character.
    let raw = Array(bytes.readableBytesView)
    let crlf: [UInt8] = [13, 10]
    func lineEnd(from start: Int) -> Int? {
        (start..<max(start, raw.count - 1)).first { raw[$0] == 13 && raw[$0 + 1] == 10 }
    }
    guard let headEnd = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == crlf + crlf }) else { return [] }
    #expect(String(decoding: raw[..<headEnd], as: UTF8.self).lowercased().contains("transfer-encoding: chunked"))
    var position = headEnd + 4
    var chunks: [String] = []
    while let sizeEnd = lineEnd(from: position),
          let size = Int(String(decoding: raw[position..<sizeEnd], as: UTF8.self), radix: 16), size > 0 {
        chunks.append(String(decoding: raw[sizeEnd + 2..<sizeEnd + 2 + size], as: UTF8.self))
        position = sizeEnd + 2 + size + 2
    }
    return chunks
}
