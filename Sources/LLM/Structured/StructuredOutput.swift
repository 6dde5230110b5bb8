/// A `Decodable` type that adds to the JSON Schema the package derives from it what decoding cannot
/// reveal: descriptions, allowed values, numeric bounds and length bounds.
///
/// Any `Decodable` type works with ``LLMProvider/generate(_:model:messages:system:options:)``; adopt this
/// protocol only to refine its schema.
///
/// ```swift
/// struct Recipe: StructuredOutput {
///     var title: String
///     var servings: Int
///     var tags: [String]
///
///     static let schemaHints = SchemaHints(description: "A recipe", [
///         "title": .description("The dish's name").maxLength(60),
///         "servings": .range(1...12),
///         "tags": .items(1...5).maxLength(20),
///     ])
/// }
/// ```
public protocol StructuredOutput: Decodable {
    /// Hints keyed by the JSON property name (the coding key). Unknown names are an error, so a typo
    /// cannot silently drop a hint.
    static var schemaHints: SchemaHints { get }
}

extension StructuredOutput {
    public static var schemaHints: SchemaHints { SchemaHints() }
}
