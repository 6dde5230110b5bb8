/// The shape the reply must take. Each provider maps this to its NATIVE mechanism
/// (OpenAI `response_format`, Gemini `responseMimeType`/`responseSchema`, Ollama `format`, ...),
/// never to a sentence appended to the prompt.
public enum ResponseFormat: Sendable, Hashable {
    /// Free text (the default).
    case text
    /// Any valid JSON object.
    case jsonObject
    /// JSON that follows `schema`. `strict` asks the provider to enforce it exactly where it can.
    case jsonSchema(name: String, schema: JSONSchema, strict: Bool = true)
}
