import ArgumentParser
import LLM

/// The options of a chat request: prompt shaping, structured output, tools, and how to print the reply.
struct ChatOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A system prompt.", valueName: "text"))
    var system: String?

    @Option(help: ArgumentHelp("The most tokens to generate.", valueName: "n"))
    var maxTokens: Int?

    @Option(help: ArgumentHelp("Sampling temperature.", valueName: "x"))
    var temperature: Double?

    @Flag(help: "Ask for a JSON object as the reply.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "A JSON Schema file the reply must follow (a bare schema, or {\"name\", \"schema\", \"strict\"}).",
            valueName: "file"))
    var schema: String?

    @Option(
        name: .customLong("tool"),
        help: ArgumentHelp(
            "A JSON tool definition file ({\"name\", \"description\", \"parameters\"} or OpenAI's {\"type\": \"function\", ...}). Repeatable. Calls are printed, not run.",
            valueName: "file"))
    var tools: [String] = []

    @Option(help: ArgumentHelp("auto, required, none, or the name of the tool to call.", valueName: "choice"))
    var toolChoice: String?

    @Flag(help: "Wait for the whole reply instead of streaming it.")
    var noStream = false

    @Option(help: "text, or json for one JSON object with content, toolCalls, usage, stopReason and model.")
    var output: OutputFormat = .text

    @Flag(help: "Print the model's reasoning to stderr as it arrives.")
    var showReasoning = false

    func validate() throws {
        if json, schema != nil { throw ValidationError("--json and --schema cannot be used together.") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
    }

    /// Reads the `--schema` and `--tool` files and builds the request, still without messages (the prompt
    /// is read after the configuration is known to be good, so a bad file fails before waiting on stdin).
    func request(model: String) throws -> ChatRequest {
        var request = ChatRequest(
            model: model, messages: [], system: system, maxTokens: maxTokens, temperature: temperature)
        if json { request.responseFormat = .jsonObject }
        if let schema { request.responseFormat = try SchemaFile.load(schema) }
        for path in tools { request.tools += try ToolFile.load(path) }
        if let toolChoice { request.toolChoice = try Self.toolChoice(toolChoice, tools: request.tools) }
        return request
    }

    static func toolChoice(_ text: String, tools: [Tool]) throws(ValidationError) -> ToolChoice {
        switch text {
        case "auto": return .auto
        case "required": return .required
        case "none": return .none
        default:
            // Catch a typo here rather than as a provider error after a round trip.
            guard tools.contains(where: { $0.name == text }) else {
                throw ValidationError("--tool-choice \(text): no --tool defines a tool of that name")
            }
            return .tool(text)
        }
    }
}
