import CFuzzerDriver
import Foundation

/// libFuzzer's callback: one input, returns 0.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Hands the process to libFuzzer.
///
/// SwiftPM links every executable with `--defsym main=<Target>_main`, which replaces libFuzzer's own
/// `main`; so each fuzzer's top-level code calls this, and libFuzzer parses the command line as usual.
/// (Each fuzzer still defines `LLVMFuzzerTestOneInput`, which libFuzzer's unused `main` references.)
public func runFuzzer(_ callback: FuzzCallback) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

/// Fails the input: the message goes to stderr and the process traps, so libFuzzer saves the input.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("fuzz invariant violated: \(message())\n".utf8))
    fatalError("fuzz invariant violated", file: file, line: line)
}

/// Runs async code to completion from libFuzzer's synchronous callback (which is not on the
/// cooperative pool, so blocking it is safe).
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// Written by the task before it signals, read after the wait: the semaphore orders the two.
private final class BlockingResult<T>: @unchecked Sendable {
    var value: T?
}
