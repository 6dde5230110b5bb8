/// A tool as a type of its own: its input is decoded from the model's JSON arguments, its schema derived from the
/// input type, and an agent takes it as it is.
///
/// ```swift
/// struct City: Decodable { var name: String }
///
/// struct WeatherTool: LLMTool {
///     let name = "get_weather"
///     let description = "Current weather for a city"
///     func call(_ input: City) async throws -> String { "21 °C and sunny in \(input.name)" }
/// }
///
/// let agent = Agent(model: model, tools: [WeatherTool()])
/// ```
///
/// `name` and `description` are properties: constants, or values an initializer sets (one type, several tools).
/// The schema is derived from `Input` (``JSONSchema/derived(from:)``; adopt ``StructuredOutput`` to describe its
/// properties) unless the type gives its own ``schema``. Arguments that do not decode never reach ``call(_:)``: the
/// model gets an error result naming the field, as with ``AgentTool``.
public protocol LLMTool: Sendable {
    associatedtype Input: Decodable
    associatedtype Output: ToolOutputConvertible = String

    var name: String { get }
    var description: String { get }
    /// The input's JSON Schema; by default derived from `Input`.
    var schema: JSONSchema { get throws(StructuredOutputError) }

    func call(_ input: Input) async throws -> Output
}

extension LLMTool {
    public var schema: JSONSchema {
        get throws(StructuredOutputError) { try JSONSchema.derived(from: Input.self) }
    }
}

/// What a tool may return: text, or a ``ToolOutput`` (text, JSON or an error the model should read as one).
public protocol ToolOutputConvertible: Sendable {
    var toolOutput: ToolOutput { get }
}

extension String: ToolOutputConvertible {
    public var toolOutput: ToolOutput { .text(self) }
}

extension ToolOutput: ToolOutputConvertible {
    public var toolOutput: ToolOutput { self }
}

extension AnyAgentTool {
    /// An ``LLMTool`` as the agent holds it. A schema that cannot be derived from the tool's input fails the run
    /// that offers the tool (``AgentError/toolSchema(name:reason:)``), not this conversion.
    public init<T: LLMTool>(_ tool: T) {
        do {
            let typed = AgentTool<T.Input>(name: tool.name, description: tool.description, schema: try tool.schema) { input in
                try await tool.call(input).toolOutput
            }
            self.init(typed)
        } catch {
            self.init(definition: Tool(name: tool.name, description: tool.description, parameters: .object([:]))) { _ in
                .error("this tool is misconfigured")
            }
            schemaFailure = "\(error)"
        }
    }
}
