// GeminiProvider (streamGenerateContent SSE) on arbitrary response bytes.
import FuzzSupport
import LLM

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ProviderFuzzing.run(FuzzInput(data, size)) { transport in
        GeminiProvider(configuration: .init(baseURL: "http://fuzz/v1beta", apiKey: "AIza-fuzz"), transport: transport)
    }
    return 0
}

runFuzzer(testOneInput)
