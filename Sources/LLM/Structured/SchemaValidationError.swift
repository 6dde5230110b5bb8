/// One way a JSON value breaks a schema: where (a JSONPath such as `$.address.city` or `$.items[2]`) and what.
public struct SchemaValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is: `$` is the whole value.
    public var path: String
    /// What is wrong, e.g. `expected string, got integer`.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `"$.address.city: expected string, got integer"`.
    public var description: String { "\(path): \(message)" }
}
