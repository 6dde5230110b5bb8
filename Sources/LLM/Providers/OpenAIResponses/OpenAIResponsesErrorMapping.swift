import Foundation
import NIOHTTP1

/// Turns Responses API errors into ``LLMError``s.
///
/// HTTP error bodies are the same `{"error": {...}}` as Chat Completions, so ``OpenAIErrorMapping`` reads
/// them. A Response that fails mid-stream (`response.failed`) or an `error` event carries `{code, message}`
/// with no HTTP status; the few codes only the Responses API uses are classified here first.
enum OpenAIResponsesErrorMapping {
    static func error(status: Int, headers: HTTPHeaders, text: String, provider: String) -> LLMError {
        let envelope = try? OpenAIErrorEnvelope.parse(text)
        var body = envelope?.error
        if body == nil, let message = envelope?.message { body = OpenAIErrorBody(message: message) }
        return OpenAIErrorMapping.error(
            status: status, body: body, raw: text, provider: provider, retryAfter: RetryAfter.parse(headers))
    }

    /// The error of a failed Response or of an `error` stream event.
    static func error(streamed error: OpenAIErrorBody?, provider: String) -> LLMError {
        let code = error?.code
        let message = error?.message ?? "the response failed"
        let details = ProviderErrorDetails(provider: provider, message: message, code: code ?? error?.type)
        switch code {
        case "invalid_prompt"?:
            // The prompt was flagged by the usage policy.
            return .contentFiltered(details)
        case let code? where imageErrorCodes.contains(code):
            // An image in the request could not be used: sending it again cannot help.
            return .invalidRequest(details)
        default:
            let body = OpenAIErrorBody(message: message, type: error?.type, code: code)
            return OpenAIErrorMapping.error(status: nil, body: body, raw: nil, provider: provider, retryAfter: nil)
        }
    }

    /// The image codes of the Responses API's `ResponseError` (`image_content_policy_violation` is a
    /// content-policy error and is classified as one by ``OpenAIErrorMapping``).
    static let imageErrorCodes: Set<String> = [
        "invalid_image", "invalid_image_format", "invalid_base64_image", "invalid_image_url", "image_too_large",
        "image_too_small", "image_parse_error", "invalid_image_mode", "image_file_too_large",
        "unsupported_image_media_type", "empty_image_file", "failed_to_download_image", "image_file_not_found",
    ]
}
