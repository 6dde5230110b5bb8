import LLM

/// The structured-output format read from a `--schema` file.
///
/// The file is either a bare JSON Schema (named after its `title` or `name`, else `"response"`) or
/// OpenAI's wrapper `{"name": ..., "schema": {...}, "strict": ...}`.
enum SchemaFile {
    static func load(_ path: String) throws(ConfigurationError) -> ResponseFormat {
        try format(from: JSONFile.read(path, option: "--schema"), path: path)
    }

    static func format(from value: JSONValue, path: String) throws(ConfigurationError) -> ResponseFormat {
        guard value.objectValue != nil else {
            throw ConfigurationError("--schema \(path): expected a JSON Schema object")
        }
        if let schema = value["schema"], schema.objectValue != nil {
            let name = value["name"]?.stringValue ?? schema["title"]?.stringValue
            return .jsonSchema(
                name: sanitizedName(name), schema: JSONSchema(schema), strict: value["strict"]?.boolValue ?? true)
        }
        let name = value["title"]?.stringValue ?? value["name"]?.stringValue
        return .jsonSchema(name: sanitizedName(name), schema: JSONSchema(value), strict: true)
    }

    /// OpenAI accepts only `[A-Za-z0-9_-]{1,64}` as a schema name; titles are often prose ("Weather report").
    static func sanitizedName(_ name: String?) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        let cleaned = String((name ?? "").map { allowed.contains($0) ? $0 : "_" }.prefix(64))
        return cleaned.isEmpty ? "response" : cleaned
    }
}
