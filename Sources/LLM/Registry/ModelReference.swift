/// A `"provider/model"` string, split at its FIRST slash so model names with slashes survive:
/// `openrouter/meta-llama/llama-3.1-8b` is provider `openrouter`, model `meta-llama/llama-3.1-8b`.
public struct ModelReference: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// A string without a slash names a model of `defaultProvider`.
    public init(parsing text: String, defaultProvider: String = "openai") {
        if let slash = text.firstIndex(of: "/") {
            provider = text[..<slash].lowercased()
            model = String(text[text.index(after: slash)...])
        } else {
            provider = defaultProvider
            model = text
        }
    }

    public var description: String { "\(provider)/\(model)" }
}
