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
    var apiKey: Secret?

    @Option(help: ArgumentHelp(
        "The HTTP proxy, e.g. http://user:password@proxy:3128 (default: $HTTPS_PROXY, $HTTP_PROXY or $ALL_PROXY; "
            + "$NO_PROXY's hosts go direct).", valueName: "url"))
    var proxy: Secret?

    @Flag(help: "Go direct, whatever the proxy variables say.")
    var noProxy = false

    @Flag(help: "Log connections, requests and retries to stderr (debug level; $LLM_LOG_LEVEL=trace for more).")
    var verbose = false

    /// The `-m` value, else `LLM_MODEL`, else the default.
    func modelSpec(environment: [String: String]) -> ModelSpec {
        ModelSpec(parsing: model.nonEmpty ?? environment["LLM_MODEL"].nonEmpty ?? Self.defaultModel)
    }

    func provider(for spec: ModelSpec, environment: [String: String]) throws(ConfigurationError) -> any LLMProvider {
        LogOutput.start(verbose: verbose, environment: environment)
        return try ProviderSelection.provider(
            named: spec.provider, baseURL: baseURL, apiKey: apiKey?.exposedValue, proxy: try proxySettings(environment: environment),
            environment: environment)
    }

    /// `--no-proxy`, else `--proxy` (with `NO_PROXY`'s hosts still going direct, as curl does), else nil: the
    /// registry reads the environment.
    func proxySettings(environment: [String: String]) throws(ConfigurationError) -> ProxySettings? {
        if noProxy { return .direct }
        guard let proxy else { return nil }
        do {
            return try .proxy(proxy.exposedValue, noProxy: environment["no_proxy"] ?? environment["NO_PROXY"] ?? "")
        } catch {
            throw ConfigurationError("--proxy: \(error.details?.message ?? "\(error)")")
        }
    }
}

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension Secret: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}
