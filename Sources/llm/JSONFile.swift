import Foundation
import LLM

/// Reads a JSON file named on the command line; every failure is a ``ConfigurationError`` naming the
/// option and the file.
enum JSONFile {
    static func read(_ path: String, option: String) throws(ConfigurationError) -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("\(option) \(path): cannot read the file")
        }
        do {
            return try JSONValue(parsing: data)
        } catch {
            throw ConfigurationError("\(option) \(path): not valid JSON")
        }
    }
}
