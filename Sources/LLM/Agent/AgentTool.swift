/// A typed tool: the model's JSON arguments are decoded into `Input` before the handler runs.
///
/// ```swift
/// struct WeatherInput: Decodable { var city: String }
///
/// // The schema is derived from the type (JSONSchema.derived(from:)); adopt StructuredOutput to
/// // describe its properties.
/// let weather = try AgentTool(name: "get_weather", description: "Current weather for a city", input: WeatherInput.self) { input in
///     "21 °C and sunny in \(input.city)"
/// }
///
/// // Or with a schema written by hand.
/// let manual = AgentTool(
///     name: "get_weather", description: "Current weather for a city",
///     input: WeatherInput.self, schema: .object(["city": .string(description: "City name")])
/// ) { input in
///     "21 °C and sunny in \(input.city)"
/// }
/// ```
///
/// Arguments that do not decode never reach the handler: the model gets an error result naming the
/// offending field (see ``call(arguments:)``). Put tools of different input types in one array with
/// ``erased`` (``AnyAgentTool``).
public struct AgentTool<Input: Decodable>: Sendable {
    public let name: String
    public let description: String
    /// The JSON Schema of `Input`, sent to the model as the tool's parameters.
    public let schema: JSONSchema
    private let handler: @Sendable (Input) async throws -> ToolOutput

    /// A tool whose input schema is derived from `Input` (``JSONSchema/derived(from:)``), with a handler
    /// returning a ``ToolOutput`` (text, JSON or an error).
    ///
    /// - Throws: ``StructuredOutputError/schemaDerivationFailed(type:reason:)`` when `Input`'s
    ///   `init(from:)` cannot be walked; pass a `schema` by hand then.
    public init(
        name: String, description: String, input: Input.Type = Input.self,
        handler: @escaping @Sendable (Input) async throws -> ToolOutput
    ) throws(StructuredOutputError) {
        self.init(name: name, description: description, input: input, schema: try JSONSchema.derived(from: Input.self), handler: handler)
    }

    /// A tool whose input schema is derived from `Input`, with a handler returning plain text.
    ///
    /// - Throws: ``StructuredOutputError/schemaDerivationFailed(type:reason:)`` when the schema cannot be derived.
    public init(
        name: String, description: String, input: Input.Type = Input.self,
        handler: @escaping @Sendable (Input) async throws -> String
    ) throws(StructuredOutputError) {
        self.init(name: name, description: description, input: input, schema: try JSONSchema.derived(from: Input.self), handler: handler)
    }

    /// A tool with a hand-written input schema (which must describe `Input`) and a handler returning a
    /// ``ToolOutput`` (text, JSON or an error).
    public init(
        name: String, description: String, input: Input.Type = Input.self, schema: JSONSchema,
        handler: @escaping @Sendable (Input) async throws -> ToolOutput
    ) {
        self.name = name
        self.description = description
        self.schema = schema
        self.handler = handler
    }

    /// A tool with a hand-written input schema and a handler returning plain text.
    public init(
        name: String, description: String, input: Input.Type = Input.self, schema: JSONSchema,
        handler: @escaping @Sendable (Input) async throws -> String
    ) {
        self.init(name: name, description: description, input: input, schema: schema) { input in
            .text(try await handler(input))
        }
    }

    /// The tool as the model sees it.
    public var definition: Tool { Tool(name: name, description: description, parameters: schema) }

    /// Decodes `arguments` and runs the handler.
    ///
    /// Arguments that do not decode into `Input` return an error output (`isError`) that names the
    /// path of the offending field and repeats the schema, so the model can call again correctly.
    /// Errors thrown by the handler are rethrown (the agent turns them into error results).
    public func call(arguments: JSONValue) async throws -> ToolOutput {
        let input: Input
        do {
            input = try arguments.decode(as: Input.self)
        } catch {
            return .error(ToolInputError.message(for: error, tool: name, schema: schema))
        }
        return try await handler(input)
    }

    /// This tool type-erased, for arrays of tools with different inputs.
    public var erased: AnyAgentTool { AnyAgentTool(self) }
}
