import Hummingbird
import LLM

/// The wire format a request came in, told by its path: what its errors must look like before a route has read it
/// (a missing key is refused before the body is read).
enum ClientFormat: String {
    case openAI = "openai"
    case anthropic
    case gemini
    case ollama

    init(path: String, method: HTTPRequest.Method) {
        if path.hasPrefix("/v1/messages") {
            self = .anthropic
        } else if path.hasPrefix("/v1beta/") || (method == .post && path.hasPrefix("/v1/models/")) {
            self = .gemini
        } else if path.hasPrefix("/api/") {
            self = .ollama
        } else {
            self = .openAI
        }
    }

    /// `error` as this format's status, body and headers.
    func error(_ error: LLMError, requestID: String) -> Response {
        let answer = switch self {
        case .openAI: OpenAIChatServerResponse.error(error)
        case .anthropic: AnthropicMessagesServerResponse.error(error)
        case .gemini: GeminiServerResponse.error(error)
        case .ollama: OllamaChatServerResponse.error(error)
        }
        return GatewayHTTP.error(answer, requestID: requestID)
    }
}
