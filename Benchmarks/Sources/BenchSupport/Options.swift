import Foundation

/// `--name value` command-line options; no dependency on ArgumentParser keeps the build short.
public struct Options: Sendable {
    private let values: [String: String]

    public init(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            if name.hasPrefix("--"), index + 1 < arguments.count {
                values[String(name.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                index += 1
            }
        }
        self.values = values
    }

    public func string(_ name: String, default value: String) -> String { values[name] ?? value }

    public func int(_ name: String, default value: Int) -> Int { values[name].flatMap { Int($0) } ?? value }

    public func double(_ name: String, default value: Double) -> Double { values[name].flatMap { Double($0) } ?? value }
}

/// Prints one result as a line of JSON on stdout, for `Scripts/summarize.py`.
public func emitResult(_ fields: [String: any Sendable]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// Prints a line on stderr (progress and diagnostics, kept out of the results).
public func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
