import ArgumentParser
import Foundation

/// The `llm` command: one prompt to any LLM provider from the shell.
@main
struct LLMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm",
        abstract: "Send a prompt to an LLM provider and print the reply.",
        discussion: discussion + "\n\nRun `llm chat --help` for every option of a prompt.",
        subcommands: [ChatCommand.self, ModelsCommand.self, AgentCommand.self, EmbedCommand.self],
        defaultSubcommand: ChatCommand.self)

    static let discussion = """
        Examples:
          llm "Why is the sky blue?"
          echo "Summarise this" | llm -m llamacpp/qwen3
          llm -m vllm/meta-llama/Llama-3.1-8B "Hi"  (provider: up to the FIRST slash)
          llm --schema person.json --output json "Invent a person"
          llm models -m lmstudio
          llm embed -m llamacpp/any "some text"

        Providers: openai (needs OPENAI_API_KEY or --api-key, or --base-url / OPENAI_BASE_URL for any \
        OpenAI-compatible server), and the local OpenAI-compatible servers llamacpp (http://127.0.0.1:8080/v1), \
        lmstudio (http://127.0.0.1:1234/v1) and vllm (http://127.0.0.1:8000/v1), which need no key. \
        The default model is $LLM_MODEL, else openai/gpt-4o-mini.

        \(ExitCode.documentation)
        """

    /// ArgumentParser's `main()`, except that usage errors exit with 2 (it uses EX_USAGE, 64) so the codes
    /// match the documented table.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.writeError(fullMessage(for: error) + "\n")
                Foundation.exit(ExitCode.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
