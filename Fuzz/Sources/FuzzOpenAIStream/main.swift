// OpenAIProvider (Chat Completions SSE) on arbitrary response bytes.
import FuzzSupport
import LLM

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ProviderFuzzing.run(FuzzInput(data, size)) { transport in
        OpenAIProvider(configuration: .init(baseURL: "http://fuzz/v1", apiKey: "sk-fuzz"), transport: transport)
    }
    return 0
}

runFuzzer(testOneInput)
