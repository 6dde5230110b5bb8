// JSONParser on arbitrary bytes, and the round trip through writeJSON.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    JSONParserFuzzing.run(FuzzInput(data, size))
    return 0
}

runFuzzer(testOneInput)
