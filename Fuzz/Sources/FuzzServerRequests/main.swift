// The server side of the OpenAI (Chat Completions and Responses), Anthropic, Gemini and Ollama formats on arbitrary request bodies.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ServerRequestFuzzing.run(FuzzInput(data, size))
    return 0
}

runFuzzer(testOneInput)
