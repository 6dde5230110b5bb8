import ArgumentParser
import Foundation
import LLM

/// Which provider and model to use, shared by every subcommand.
struct ProviderOptions: ParsableArguments {
    static let defaultModel = "openai/gpt-4o-mini"

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "The model as provider/model, e.g. openai/gpt-4o-mini or llamacpp/qwen3 (default: $LLM_MODEL, else \(defaultModel)).",
            valueName: "provider/model"))
    var model: String?

    @Option(help: ArgumentHelp("The provider's API root, e.g. http://127.0.0.1:8080/v1 (default: $OPENAI_BASE_URL for openai).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("The API key (default: $OPENAI_API_KEY for openai; local servers need none).", valueName: "key"))
    var apiKey: String?

    /// The `-m` value, else `LLM_MODEL`, else the default.
    func modelSpec(environment: [String: String]) -> ModelSpec {
        ModelSpec(parsing: model.nonEmpty ?? environment["LLM_MODEL"].nonEmpty ?? Self.defaultModel)
    }

    func provider(for spec: ModelSpec, environment: [String: String]) throws(ConfigurationError) -> any LLMProvider {
        try ProviderSelection.provider(named: spec.provider, baseURL: baseURL, apiKey: apiKey, environment: environment)
    }
}

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
