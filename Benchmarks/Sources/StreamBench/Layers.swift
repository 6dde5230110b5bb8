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
    init(format: String, server root: String, transport: any HTTPTransport = NIOHTTPTransport.shared) {
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
        case "openai-responses":
            provider = OpenAIResponsesProvider(configuration: .init(baseURL: root + "/v1", apiKey: "bench"), transport: transport)
            url = root + "/v1/responses"
        default:
            provider = OpenAIProvider(configuration: .init(baseURL: root + "/v1", apiKey: "bench"), transport: transport)
            url = root + "/v1/chat/completions"
        }
    }

    func consume(layer: String) async throws -> Tally {
        switch layer {
        case "transport": try await readBody(splitting: false)
        case "transport-ahc": try await readBody(splitting: false, over: AsyncHTTPClientTransport.shared)
        case "sse": try await readBody(splitting: true)
        case "json": try await readBody(splitting: true, decode: true)
        case "ahc": try await readBare()
        case "nio": try await BareNIOReader.read(url: url)
        case "keep": try await streamEvents(keepingEvents: true)
        default: try await streamEvents()
        }
    }

    /// What an app does: every event of `provider.stream`, touching the text of each delta; with
    /// `keepingEvents`, as an app that records a reply's events does, all of them kept until the reply ends.
    private func streamEvents(keepingEvents: Bool = false) async throws -> Tally {
        let request = ChatRequest(model: format == "gemini" ? "gemini-2.5-flash" : "bench-model", messages: [.user("Go")])
        var tally = Tally()
        var kept: [StreamEvent] = []
        for try await event in provider.stream(request) {
            tally.items += 1
            if keepingEvents { kept.append(event) }
            switch event {
            case .textDelta(let text, _): tally.bytes += text.utf8.count
            case .toolCall: tally.toolCalls += 1
            default: break
            }
        }
        // Reading `kept` keeps the optimizer from dropping it.
        precondition(kept.count == (keepingEvents ? tally.items : 0))
        return tally
    }

    /// The body read straight from AsyncHTTPClient, with the library's client settings.
    private func readBare() async throws -> Tally {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        var tally = Tally()
        for try await chunk in response.body {
            tally.items += 1
            tally.bytes += chunk.readableBytes
        }
        return tally
    }

    /// Set up as `AsyncHTTPClientTransport.shared` sets up its client.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: AsyncHTTPClientTransport.eventLoopGroup, configuration: configuration)
    }()

    /// The body through the library's transport only, optionally split into SSE events / JSON lines.
    private func readBody(
        splitting: Bool, decode: Bool = false, over transport: any HTTPTransport = NIOHTTPTransport.shared
    ) async throws -> Tally {
        let response = try await transport.send(
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
                tally.bytes += event.dataBuffer.readableBytes
                // As the library did before its own parser: JSONDecoder into the wire shape.
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
