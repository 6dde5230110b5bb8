import ArgumentParser
import Foundation

/// Where the prompt comes from: the argument, else all of stdin.
enum PromptInput {
    static func read(argument: String?) throws -> String {
        if let argument { return argument }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        // `echo hi | llm` sends "hi\n": drop the trailing newline(s), keep everything else as typed.
        var text = String(decoding: data, as: UTF8.self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else { throw ValidationError("the prompt on stdin is empty") }
        return text
    }
}
