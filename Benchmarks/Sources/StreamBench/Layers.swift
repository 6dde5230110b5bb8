import AsyncHTTPClient
import Foundation
import LLM
import NIOCore

/// One provider pointed at the replay server, and the ways of reading its transcript (the layers).
struct Target {
    let format: String
    let provider: any LLMProvider
    let url: String

    /// By default the library's transport (`AsyncHTTPClientTransport.shared`), as an app gets it.
    init(format: String, server root: String, transport: any HTTPTransport = AsyncHTTPClientTransport.shared) {
        self.format = format
        switch format {
        case "anthropic":
            provider = AnthropicProvider(configuration: .init(baseURL: root + "/v1", apiKey: "bench"), transport: transport)
            url = root + "/v1/messages"
        case "gemini":
            provider = GeminiProvider(configuration: .init(baseURL: root + "/v1beta", apiKey: "bench"), transport: transport)
            url = root + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        case "ollama":
            provider = OllamaProvider(configuration: .init(host: root), transport: transport)
            url = root + "/api/chat"
        default:
            provider = OpenAIProvider(configuration: .init(baseURL: root + "/v1", apiKey: "bench"), transport: transport)
            url = root + "/v1/chat/completions"
        }
    }

    func consume(layer: String) async throws -> Tally {
        switch layer {
        case "transport": try await readBody(splitting: false)
        case "sse": try await readBody(splitting: true)
        case "json": try await readBody(splitting: true, decode: true)
        case "ahc": try await readBare(decode: false)
        case "ahc-json": try await readBare(decode: true)
        case "ahc-tree": try await readBare(decode: true, tree: true)
        case "handoff": await Self.handOff(events: 20_000)
        default: try await streamEvents()
        }
    }

    /// What an app does: every event of `provider.stream`, touching the text of each delta.
    private func streamEvents() async throws -> Tally {
        let request = ChatRequest(model: format == "gemini" ? "gemini-2.5-flash" : "bench-model", messages: [.user("Go")])
        var tally = Tally()
        for try await event in provider.stream(request) {
            tally.items += 1
            switch event {
            case .textDelta(let text, _): tally.bytes += text.utf8.count
            case .toolCall: tally.toolCalls += 1
            default: break
            }
        }
        return tally
    }

    /// The body read straight from AsyncHTTPClient, with the library's client settings; split into SSE
    /// events and decoded in this same task if `decode`.
    private func readBare(decode: Bool, tree: Bool = false) async throws -> Tally {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        var tally = Tally()
        var splitter = SSEDecoder()
        let decoder = JSONDecoder()
        for try await chunk in response.body {
            guard decode else {
                tally.items += 1
                tally.bytes += chunk.readableBytes
                continue
            }
            for event in splitter.decode(chunk) where event.data != "[DONE]" {
                tally.items += 1
                if tree {
                    var data = event.data
                    let parsed = try data.withUTF8 { try JSONTree.parse(UnsafeRawBufferPointer($0)) }
                    if case .array(let choices)? = parsed["choices"], let delta = choices.first?["delta"] {
                        if case .string(let text)? = delta["content"] { tally.bytes += text.utf8.count }
                        if case .array(let calls)? = delta["tool_calls"] {
                            tally.toolCalls += calls.count
                            if case .string(let arguments)? = calls.first?["function"]?["arguments"] { tally.bytes += arguments.utf8.count }
                        }
                    }
                } else {
                    let decoded = try decoder.decode(OpenAIChunkMirror.self, from: Data(event.data.utf8))
                    let delta = decoded.choices?.first?.delta
                    tally.bytes += delta?.content?.utf8.count ?? 0
                    tally.toolCalls += delta?.tool_calls?.count ?? 0
                    tally.bytes += delta?.tool_calls?.first?.function?.arguments?.utf8.count ?? 0
                }
            }
        }
        return tally
    }

    /// Set up as `AsyncHTTPClientTransport.shared` sets up its client.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A task yields `events` text deltas into an `LLMEventStream` read here, as `RetryingStream` does.
    private static func handOff(events: Int) async -> Tally {
        let (stream, continuation) = LLMEventStream.makeStream()
        let producer = Task {
            for index in 0..<events { continuation.yield(.textDelta("x", snapshot: String(index))) }
            continuation.finish()
        }
        var tally = Tally()
        do {
            for try await _ in stream { tally.items += 1 }
        } catch {}
        await producer.value
        return tally
    }

    /// The body through the library's transport only, optionally split into SSE events / JSON lines.
    private func readBody(splitting: Bool, decode: Bool = false) async throws -> Tally {
        let response = try await AsyncHTTPClientTransport.shared.send(
            TransportRequest(url: url, headers: ["content-type": "application/json"], body: ByteBuffer(string: "{}")))
        var tally = Tally()
        if !splitting {
            for try await chunk in response.body {
                tally.items += 1
                tally.bytes += chunk.readableBytes
            }
        } else if format == "ollama" {
            _ = try await response.body.forEachJSONLine { line in
                tally.items += 1
                tally.bytes += line.readableBytes
                return .continue
            }
        } else {
            let decoder = JSONDecoder()
            _ = try await response.body.forEachServerSentEvent { event in
                tally.items += 1
                tally.bytes += event.data.utf8.count
                // As OpenAIProvider.decodeStream and ProviderHTTP.decodeEvent do it.
                if decode, event.data != "[DONE]" {
                    let chunk = try decoder.decode(OpenAIChunkMirror.self, from: Data(event.data.utf8))
                    tally.toolCalls += chunk.choices?.first?.delta?.tool_calls?.count ?? 0
                }
                return .continue
            }
        }
        return tally
    }
}
