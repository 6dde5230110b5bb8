import ArgumentParser
import Foundation
import LLM
import LLMMCP

/// `llm agent "prompt" --mcp "CMD"`: runs the tool loop with the tools of MCP servers, printing each step.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the tool loop with tools from MCP servers, printing each step.",
        discussion: """
            Starts each --mcp command (stdio transport) and connects to each --mcp-http URL, offers their tools to \
            the model, runs the calls it makes and feeds the results back until it answers. Steps (tool calls and \
            results) go to stderr, the answer to stdout.

              llm agent -m openai/gpt-4o-mini --mcp "mcp-server-time" "What time is it in Tokyo?"

            \(ExitCode.documentation)
            """)

    @Argument(help: "The prompt. Read from stdin when omitted.")
    var prompt: String?

    @OptionGroup var provider: ProviderOptions

    @Option(name: .customLong("mcp"), help: ArgumentHelp("An MCP server to start, as a command line split at spaces (repeatable).", valueName: "command"))
    var mcpCommands: [String] = []

    @Option(name: .customLong("mcp-http"), help: ArgumentHelp("An MCP server's HTTP endpoint (repeatable).", valueName: "url"))
    var mcpURLs: [String] = []

    @Option(help: "A system prompt.")
    var system: String?

    @Option(help: "The most model calls in one run.")
    var maxSteps: Int = 10

    @Option(help: "The reply's token limit per step.")
    var maxTokens: Int?

    @Flag(help: "Require a tool call on the first step (for servers that only call tools when forced).")
    var requireToolFirst = false

    func validate() throws {
        if prompt == nil, Terminal.stdinIsTerminal {
            throw ValidationError("No prompt: pass it as an argument or pipe it on stdin.")
        }
        if mcpCommands.isEmpty, mcpURLs.isEmpty {
            throw ValidationError("No tools: pass at least one --mcp \"command\" or --mcp-http URL.")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let interruption = Interruption()
        var connections: [MCPConnection] = []
        do {
            let spec = provider.modelSpec(environment: environment)
            let llm = try provider.provider(for: spec, environment: environment)
            let text = try PromptInput.read(argument: prompt)
            connections = try await connect()
            var tools: [AnyAgentTool] = []
            for connection in connections { tools += try await connection.agentTools() }
            var options = AgentOptions(maxSteps: maxSteps)
            options.maxTokens = maxTokens
            if requireToolFirst { options.toolChoice = AgentToolChoice { $0 == 0 ? .required : nil } }
            let agent = Agent(provider: llm, model: spec.model, system: system, tools: tools, options: options)
            try await interruption.run { try await Self.print(agent.stream(text)) }
        } catch {
            for connection in connections { await connection.close() }
            throw ErrorReporting.report(error, interrupted: interruption.interrupted)
        }
        for connection in connections { await connection.close() }
    }

    private func connect() async throws -> [MCPConnection] {
        var connections: [MCPConnection] = []
        for line in mcpCommands {
            let words = line.split(separator: " ").map(String.init)
            guard let command = words.first else { throw ValidationError("an empty --mcp command") }
            connections.append(try await MCPConnection.stdio(command: command, arguments: Array(words.dropFirst())))
        }
        for text in mcpURLs {
            guard let url = URL(string: text), url.scheme != nil else { throw ValidationError("not a URL: \(text)") }
            connections.append(try await MCPConnection.http(url: url))
        }
        return connections
    }

    private static func print(_ events: AsyncThrowingStream<AgentEvent, any Error>) async throws {
        var endsWithNewline = true
        for try await event in events {
            switch event {
            case .textDelta(let text):
                Terminal.write(text)
                endsWithNewline = text.hasSuffix("\n")
            case .reasoningDelta:
                break
            case .toolCall(let call):
                Terminal.writeError("→ \(call.name) \(call.arguments.jsonString)\n")
            case .toolResult(let result):
                Terminal.writeError((result.isError ? "✗ " : "← ") + String(result.content.prefix(500)) + "\n")
            case .stepFinished(let step):
                if !step.response.content.isEmpty, !endsWithNewline {
                    Terminal.write("\n")
                    endsWithNewline = true
                }
            case .finished(let result):
                Terminal.writeError("[\(result.steps.count) steps, \(result.usage.inputTokens) input and \(result.usage.outputTokens) output tokens]\n")
            }
        }
    }
}
