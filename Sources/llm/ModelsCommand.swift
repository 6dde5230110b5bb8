import ArgumentParser
import Foundation
import LLM

/// `llm models`: lists the models the configured provider offers.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models of the configured provider, one id per line.",
        discussion: """
            The provider comes from -m as for a prompt; a bare provider name also works here \
            (llm models -m llamacpp).

            \(ExitCode.documentation)
            """)

    @OptionGroup var provider: ProviderOptions

    @Option(help: "text (one id per line) or json (a JSON array of ids).")
    var output: OutputFormat = .text

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let interruption = Interruption()
        do {
            let llm = try provider.provider(for: spec(environment: environment), environment: environment)
            let models = try await interruption.run { try await llm.listModels() }
            switch output {
            case .text:
                Terminal.write(models.map { $0.id + "\n" }.joined())
            case .json:
                Terminal.write(JSONValue.array(models.map { .string($0.id) }).jsonString + "\n")
            }
        } catch {
            throw ErrorReporting.report(error, interrupted: interruption.interrupted)
        }
    }

    /// Listing needs no model, so `-m llamacpp` names the provider rather than an OpenAI model.
    private func spec(environment: [String: String]) -> ModelSpec {
        if let name = provider.model?.lowercased(), ProviderSelection.knownProviders.contains(name) {
            return ModelSpec(provider: name, model: "")
        }
        return provider.modelSpec(environment: environment)
    }
}
