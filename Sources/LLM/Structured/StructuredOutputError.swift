/// Why ``LLMProvider/generate(_:model:messages:system:options:)`` could not produce a value.
///
/// Every case about the model's reply carries the raw text, so it can be logged or shown.
public enum StructuredOutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The package could not derive a JSON Schema from the type (its `init(from:)` threw while being
    /// walked, or it recurses without an optional or array in between).
    case schemaDerivationFailed(type: String, reason: String)
    /// The reply was not valid JSON, even after the repair rounds.
    case invalidJSON(raw: String, reason: String)
    /// The reply was JSON that breaks the schema, even after the repair rounds.
    case validationFailed(raw: String, errors: [SchemaValidationError])
    /// The reply matched the schema but `init(from:)` rejected it.
    case decodingFailed(raw: String, reason: String)
    /// The reply was cut off by the token limit (`maxTokens`); raise it rather than repair.
    case truncated(raw: String)

    /// The model's reply text, when the error is about a reply.
    public var raw: String? {
        switch self {
        case .schemaDerivationFailed: nil
        case .invalidJSON(let raw, _), .validationFailed(let raw, _), .decodingFailed(let raw, _), .truncated(let raw): raw
        }
    }

    public var description: String {
        switch self {
        case .schemaDerivationFailed(let type, let reason): "cannot derive a JSON schema for \(type): \(reason)"
        case .invalidJSON(_, let reason): "the reply is not valid JSON: \(reason)"
        case .validationFailed(_, let errors):
            "the reply does not match the schema: " + errors.map(\.description).joined(separator: "; ")
        case .decodingFailed(_, let reason): "the reply does not decode: \(reason)"
        case .truncated: "the reply was cut off by the token limit; raise maxTokens"
        }
    }
}
