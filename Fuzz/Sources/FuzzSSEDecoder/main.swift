// The SSE decoder: chunking invariance and the WHATWG rules.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    SSEFuzzing.run(FuzzInput(data, size))
    return 0
}

runFuzzer(testOneInput)
