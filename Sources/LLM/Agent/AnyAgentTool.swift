/// A tool of any input type (or none: MCP tools take raw JSON), as the ``Agent`` holds them.
///
/// ```swift
/// let tools: [AnyAgentTool] = [weather.erased, clock.erased]
/// ```
public struct AnyAgentTool: Sendable {
    /// The tool as the model sees it: name, description, parameter schema.
    public let definition: Tool
    private let invoke: @Sendable (JSONValue) async throws -> ToolOutput
    /// Why the tool's schema could not be made, if it could not (an ``LLMTool`` whose input cannot be walked).
    var schemaFailure: String?

    /// A tool that takes the model's arguments as raw JSON.
    public init(definition: Tool, invoke: @escaping @Sendable (JSONValue) async throws -> ToolOutput) {
        self.definition = definition
        self.invoke = invoke
    }

    /// Erases a typed tool.
    public init<Input>(_ tool: AgentTool<Input>) {
        self.init(definition: tool.definition) { arguments in try await tool.call(arguments: arguments) }
    }

    public var name: String { definition.name }

    /// Runs the tool with the model's arguments.
    public func call(arguments: JSONValue) async throws -> ToolOutput {
        try await invoke(arguments)
    }
}
