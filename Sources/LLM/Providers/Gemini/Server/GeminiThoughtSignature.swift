import Foundation

/// Thought signatures as Gemini clients must get them: base64. The google-genai SDKs read `thoughtSignature` as bytes
/// and refuse a whole reply whose signature is not valid base64, so another provider's signature (Anthropic's, a
/// Responses reasoning item) is wrapped: base64 of a marker and the signature. The SDKs send the bytes back as
/// base64 (URL-safe), and the server side unwraps them to the signature the upstream gave.
enum GeminiThoughtSignature {
    private static let marker = "llm-signature:"

    /// The signature as a reply carries it: Gemini's own (already base64) unchanged, any other wrapped.
    static func wire(_ signature: String) -> String {
        GeminiBase64.isValid(signature) ? signature : Data((marker + signature).utf8).base64EncodedString()
    }

    /// The signature a client sent back, unwrapped if the server side wrapped it.
    static func original(_ wire: String) -> String {
        guard let data = GeminiBase64.decoded(wire), let text = String(data: data, encoding: .utf8), text.hasPrefix(marker) else {
            return wire
        }
        return String(text.dropFirst(marker.count))
    }
}
