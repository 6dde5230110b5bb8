import Foundation
import LLM

/// The server side of every wire format on arbitrary JSON bodies (the first byte picks the format): a decoder
/// either reads a request or throws `invalidRequest` with status 400, the answer a client gets for bad input. Any
/// other error (a 5xx for the client's mistake) or a crash is a finding.
public enum ServerRequestFuzzing {
    public static func run(_ input: FuzzInput) {
        var input = input
        let format = input.byte() % 11
        guard let body = try? JSONValue(parsing: Data(input.rest())) else { return }
        do {
            switch format {
            case 0: _ = try OpenAIChatServerRequest(decoding: body)
            case 1: _ = try AnthropicMessagesServerRequest(decoding: body)
            case 2: _ = try GeminiGenerateContentServerRequest(decoding: body, model: "m")
            case 3: _ = try OllamaChatServerRequest(decoding: body)
            case 4: _ = try OpenAIResponsesServerRequest(decoding: body)
            case 5: _ = try OllamaGenerateServerRequest(decoding: body)
            case 6: _ = try OpenAIEmbeddingsServerRequest(decoding: body)
            case 7: _ = try OllamaEmbedServerRequest(decoding: body)
            case 8: _ = try OllamaEmbedServerRequest(decoding: body, legacy: true)
            case 9: _ = try GeminiEmbedServerRequest(decoding: body, model: "m", batch: false)
            default: _ = try GeminiEmbedServerRequest(decoding: body, model: "m", batch: true)
            }
        } catch {
            guard case .invalidRequest(let details) = error, details.status == 400 else {
                fuzzCheck(false, "format \(format): bad input gave \(error), not a 400")
                return
            }
        }
    }
}
