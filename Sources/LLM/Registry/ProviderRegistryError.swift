/// Why a `"provider/model"` string could not be turned into a provider. These are configuration
/// mistakes found before any call, so they are not ``LLMError``s.
public enum ProviderRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No backend of that name is registered.
    case unknownProvider(String, known: [String])
    /// The backend needs an API key and none was given or found in its environment variable.
    case missingAPIKey(provider: String, variable: String?)

    public var description: String {
        switch self {
        case .unknownProvider(let name, let known):
            "unknown provider '\(name)' (known: \(known.joined(separator: ", "))); write the model as provider/model, e.g. openai/gpt-4o-mini"
        case .missingAPIKey(let provider, let variable):
            "no API key for \(provider): " + (variable.map { "set \($0) or pass one explicitly" } ?? "pass one explicitly")
        }
    }
}
