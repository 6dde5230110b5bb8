// OllamaProvider (/api/chat NDJSON) on arbitrary response bytes.
import FuzzSupport
import LLM

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ProviderFuzzing.run(FuzzInput(data, size)) { transport in
        OllamaProvider(configuration: .init(host: "http://fuzz:11434", apiKey: "ollama-fuzz"), transport: transport)
    }
    return 0
}

runFuzzer(testOneInput)
