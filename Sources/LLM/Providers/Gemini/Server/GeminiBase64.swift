import Foundation

/// Base64 as Gemini's clients write it: the google-genai SDKs hold bytes (inline data, thought signatures) and write
/// them URL-safe (`-`, `_`), which Gemini reads but a `data:` URL for another backend must not carry.
enum GeminiBase64 {
    /// `text` in the standard alphabet (its padding, or lack of it, kept).
    static func standard(_ text: String) -> String {
        guard text.contains(where: { $0 == "-" || $0 == "_" }) else { return text }
        return text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    }

    /// The bytes of `text`, in either alphabet, padded or not.
    static func decoded(_ text: String) -> Data? {
        let standard = standard(text)
        return Data(base64Encoded: standard + String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4))
    }

    /// Whether `text` is base64 (standard or URL-safe, padded) that decodes to bytes.
    static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count % 4 == 0 else { return false }
        return Data(base64Encoded: standard(text)) != nil
    }
}
