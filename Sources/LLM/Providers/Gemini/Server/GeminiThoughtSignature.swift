import Foundation

/// Thought signatures as Gemini clients must get them: base64. The google-genai SDKs read `thoughtSignature` as bytes
/// and refuse a whole reply whose signature is not valid base64, so another provider's signature (Anthropic's, a
/// Responses reasoning item) is wrapped: base64 of a marker and the signature. The SDKs send the bytes back as
/// base64 (URL-safe), and the server side unwraps them to the signature the upstream gave.
enum GeminiThoughtSignature {
    private static let marker = "llm-signature:"

    /// The signature as a reply carries it: Gemini's own (already base64) unchanged, any other wrapped.
    static func wire(_ signature: String) -> String {
        isBase64(signature) ? signature : Data((marker + signature).utf8).base64EncodedString()
    }

    /// The signature a client sent back, unwrapped if the server side wrapped it.
    static func original(_ wire: String) -> String {
        var standard = wire.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard), let text = String(data: data, encoding: .utf8), text.hasPrefix(marker) else {
            return wire
        }
        return String(text.dropFirst(marker.count))
    }

    /// Whether `text` is base64 (standard or URL-safe, padded) that decodes to bytes.
    static func isBase64(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count % 4 == 0 else { return false }
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return Data(base64Encoded: standard) != nil
    }
}
