// ToolArguments.parse and ToolCallAssembler on arbitrary text and fragments.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ToolArgumentsFuzzing.run(FuzzInput(data, size))
    return 0
}

runFuzzer(testOneInput)
