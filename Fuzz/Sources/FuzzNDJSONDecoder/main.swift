// The NDJSON decoder: chunking invariance and its line rules.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    NDJSONFuzzing.run(FuzzInput(data, size))
    return 0
}

runFuzzer(testOneInput)
