import ArgumentParser
import Foundation
import LLM

/// `llm models`: lists the models the configured provider offers.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models of the configured providers, one id per line.",
        discussion: """
            With -m (or $LLM_MODEL), lists that provider's models; a bare provider name works here \
            (llm models -m llamacpp). Without either, lists provider/model for every configured \
            provider: hosted ones whose API key is set, and local servers that answer.

            \(ExitCode.documentation)
            """)

    @OptionGroup var provider: ProviderOptions

    @Option(help: "text (one id per line) or json (a JSON array of ids).")
    var output: OutputFormat = .text

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let interruption = Interruption()
        do {
            if provider.model.nonEmpty == nil, environment["LLM_MODEL"].nonEmpty == nil, provider.baseURL == nil {
                try await listEveryConfiguredProvider(environment: environment, interruption: interruption)
                return
            }
            let llm = try provider.provider(for: spec(environment: environment), environment: environment)
            let models = try await interruption.run { try await llm.listModels() }
            print(models.map(\.id))
        } catch {
            throw ErrorReporting.report(error, interrupted: interruption.interrupted)
        }
    }

    private func print(_ ids: [String]) {
        switch output {
        case .text:
            Terminal.write(ids.map { $0 + "\n" }.joined())
        case .json:
            Terminal.write(JSONValue.array(ids.map { .string($0) }).jsonString + "\n")
        }
    }

    /// Asks each configured provider in turn. A local server that is not running is skipped quietly;
    /// other failures are reported and the rest still listed.
    private func listEveryConfiguredProvider(environment: [String: String], interruption: Interruption) async throws {
        LogOutput.start(verbose: provider.verbose, environment: environment)
        let registry = ProviderSelection.registry(environment: environment, proxy: try provider.proxySettings(environment: environment))
        var ids: [String] = []
        var lastError: (any Error)?
        for endpoint in registry.configured {
            do {
                let llm = try registry.provider(named: endpoint.name, apiKey: provider.apiKey?.exposedValue)
                let models = try await interruption.run { try await llm.listModels() }
                ids += models.map { "\(endpoint.name)/\($0.id)" }
            } catch let error as LLMError where !endpoint.requiresAPIKey && error.kind == "network" {
                continue
            } catch {
                Terminal.writeError("llm: \(endpoint.name): \(error)\n")
                lastError = error
            }
        }
        if ids.isEmpty { throw lastError ?? ProviderSelection.noProviderConfigured }
        print(ids)
    }

    /// Listing needs no model, so `-m llamacpp` names the provider rather than an OpenAI model.
    private func spec(environment: [String: String]) -> ModelSpec {
        if let name = provider.model?.lowercased(), ProviderSelection.knownProviders(environment: environment).contains(name) {
            return ModelSpec(provider: name, model: "")
        }
        return provider.modelSpec(environment: environment)
    }
}
