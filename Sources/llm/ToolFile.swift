import LLM

/// Tool definitions read from a `--tool` file.
///
/// Accepted shapes: `{"name", "description", "parameters"}`; OpenAI's
/// `{"type": "function", "function": {...}}`; Anthropic's `input_schema` in place of `parameters`; or a
/// JSON array of any of these.
enum ToolFile {
    static func load(_ path: String) throws(ConfigurationError) -> [Tool] {
        try tools(from: JSONFile.read(path, option: "--tool"), path: path)
    }

    static func tools(from value: JSONValue, path: String) throws(ConfigurationError) -> [Tool] {
        if let array = value.arrayValue {
            var tools: [Tool] = []
            for element in array { tools.append(try tool(from: element, path: path)) }
            return tools
        }
        return [try tool(from: value, path: path)]
    }

    private static func tool(from value: JSONValue, path: String) throws(ConfigurationError) -> Tool {
        var definition = value
        if definition["type"]?.stringValue == "function", let function = definition["function"], function.objectValue != nil {
            definition = function
        }
        guard definition.objectValue != nil else {
            throw ConfigurationError("--tool \(path): expected a JSON object with a \"name\"")
        }
        guard let name = definition["name"]?.stringValue, !name.isEmpty else {
            throw ConfigurationError("--tool \(path): the tool has no \"name\"")
        }
        let parameters = definition["parameters"] ?? definition["input_schema"]
        if let parameters, parameters.objectValue == nil {
            throw ConfigurationError("--tool \(path): \"parameters\" of \(name) must be a JSON Schema object")
        }
        return Tool(
            name: name, description: definition["description"]?.stringValue ?? "",
            parameters: parameters.map { JSONSchema($0) } ?? .object([:]))
    }
}
