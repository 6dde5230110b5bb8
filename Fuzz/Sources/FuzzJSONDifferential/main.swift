// The library's JSONParser against Foundation's JSONDecoder on the same bytes: same decision, same value.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    JSONDifferentialFuzzing.run(FuzzInput(data, size))
    return 0
}

runFuzzer(testOneInput)
