import Foundation

/// Reading a model's reply: finding the JSON in the text, and decoding it into a Swift type.
enum StructuredDecoding {
    /// The JSON part of a reply: surrounding whitespace, a Markdown code fence and a leading
    /// `<think>...</think>` block are removed (native structured output rarely has them, but some
    /// servers let reasoning or fences through).
    static func jsonText(in reply: String) -> String {
        var text = Substring(reply)
        if let thinkEnd = text.range(of: "</think>"), text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<think>") {
            text = text[thinkEnd.upperBound...]
        }
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("```") {
            // Drop the opening fence line (with its language tag) and the closing fence.
            if let newline = trimmed.firstIndex(of: "\n") { trimmed = String(trimmed[trimmed.index(after: newline)...]) }
            if trimmed.hasSuffix("```") { trimmed = String(trimmed.dropLast(3)) }
            trimmed = trimmed.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return trimmed
    }

    /// The JSON value of a reply: ``jsonText(in:)`` parsed, or failing that the span from the first `{` to
    /// the last `}` (a sentence before or after the object). Throws the first parse error.
    static func parse(_ reply: String) throws -> JSONValue {
        let text = jsonText(in: reply)
        do {
            return try JSONValue(parsing: text)
        } catch {
            guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start > text.startIndex || end < text.index(before: text.endIndex),
                let value = try? JSONValue(parsing: String(text[start...end]))
            else { throw error }
            return value
        }
    }

    /// The text from the first `{` on, for parsing a reply still arriving (whose fence or think block
    /// may not be closed yet). The wire schema's root is always an object.
    static func partialJSONText(in reply: String) -> Substring? {
        var text = Substring(reply)
        if text.drop(while: \.isWhitespace).hasPrefix("<think>") {
            guard let end = text.range(of: "</think>") else { return nil }
            text = text[end.upperBound...]
        }
        guard let start = text.firstIndex(of: "{") else { return nil }
        return text[start...]
    }

    /// Parses ISO 8601 date-times, with or without fractional seconds.
    static func date(from text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// A decoder reading dates as the schema announces them (`date-time` strings).
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 date-time, got \(text)")
            }
            return date
        }
        return decoder
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try decoder().decode(T.self, from: Data(value.jsonString.utf8))
    }

    /// A `DecodingError` as `$.path: what`, like the validator's messages.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("$") { path, key in
                key.intValue.map { "\(path)[\($0)]" } ?? SchemaValidator.path(path, key.stringValue)
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), got null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required property is missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
