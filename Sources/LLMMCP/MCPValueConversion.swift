import Foundation
import LLM
import MCP

/// Conversions between this package's ``JSONValue`` and the MCP SDK's `Value`, through their JSON
/// encodings (both are plain JSON, so nothing is lost).
enum MCPValueConversion {
    static func jsonValue(_ value: Value) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value), let json = try? JSONValue(parsing: data) else { return .null }
        return json
    }

    static func mcpValue(_ json: JSONValue) -> Value {
        (try? JSONDecoder().decode(Value.self, from: Data(json.jsonString.utf8))) ?? .null
    }

    /// Tool-call arguments as MCP wants them: an object, or nothing.
    static func arguments(_ json: JSONValue) -> [String: Value]? {
        guard case .object(let object) = json, !object.isEmpty else { return nil }
        return object.mapValues(mcpValue)
    }
}
