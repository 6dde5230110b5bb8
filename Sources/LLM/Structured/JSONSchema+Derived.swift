extension JSONSchema {
    /// The JSON Schema of a `Decodable` type, derived from the type itself by walking its `init(from:)`.
    ///
    /// Keyed containers become objects (`decode` makes a property required; `decodeIfPresent`, which
    /// Optional properties use, makes it optional and nullable, as JSONDecoder reads both alike),
    /// arrays and sets become arrays, `Optional` becomes nullable, `CaseIterable` enums with `String` or
    /// `Int` raw values become `enum`s, `Date` a `date-time` string and `URL` a `uri` string. Adopt
    /// ``StructuredOutput`` to add descriptions and bounds. Recursive types become `$ref`s.
    ///
    /// ```swift
    /// struct Person: Decodable { var name: String; var age: Int?; var friends: [Person] }
    /// let schema = try JSONSchema.derived(from: Person.self)
    /// ```
    ///
    /// The result is plain JSON Schema (draft 2020-12); ``SchemaNormalizer`` reshapes it for a provider.
    public static func derived<T: Decodable>(from type: T.Type) throws(StructuredOutputError) -> JSONSchema {
        JSONSchema(try SchemaInference.schema(for: T.self))
    }
}
