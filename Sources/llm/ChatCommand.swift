import ArgumentParser
import Foundation
import LLM

/// `llm [chat] "prompt"`: sends one prompt and prints the reply. The default subcommand.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Send a prompt and print the reply (the default command: `llm \"prompt\"`).",
        discussion: LLMCommand.discussion)

    @Argument(help: "The prompt. Read from stdin when omitted.")
    var prompt: String?

    @OptionGroup var provider: ProviderOptions
    @OptionGroup var options: ChatOptions

    func validate() throws {
        if prompt == nil, Terminal.stdinIsTerminal {
            throw ValidationError("No prompt: pass it as an argument or pipe it on stdin.")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let interruption = Interruption()
        do {
            let spec = provider.modelSpec(environment: environment)
            guard !spec.model.isEmpty else {
                throw ValidationError("no model name after '\(spec.provider)/'")
            }
            let llm = try provider.provider(for: spec, environment: environment)
            var request = try options.request(model: spec.model)
            request.messages = [.user(try PromptInput.read(argument: prompt))]
            let printer = ReplyPrinter(options: options)
            try await interruption.run { [request] in try await printer.send(request, to: llm) }
        } catch {
            throw ErrorReporting.report(error, interrupted: interruption.interrupted)
        }
    }
}
