import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to stdout and stderr, and what kind of device they are.
///
/// Writes go straight to the file descriptor, so streamed text appears as soon as it arrives with no
/// `fflush` (and no access to the C `stdout` global, which Swift 6 rejects as shared mutable state).
enum Terminal {
    static func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static func writeError(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    static var stdinIsTerminal: Bool { isatty(0) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// `text` in the terminal's dim style when stderr is a terminal, unchanged otherwise (pipes and files
    /// get no escape codes).
    static func dimmedForStderr(_ text: String) -> String {
        stderrIsTerminal ? "\u{1B}[2m\(text)\u{1B}[22m" : text
    }
}
