import BenchSupport
import Foundation
import LLM
import NIOCore

/// Reading an embeddings reply: `--vectors` vectors of `--dimensions` floats in base64 (OpenAI's default encoding,
/// which the openai SDK asks for too), read through the public `OpenAIProvider.embed` with the reply served from
/// memory: JSON, base64 and the `[Float]`s, no network. `--write-body FILE` saves the reply for the Python peer
/// (Python/embeddings_decode.py), so both read the same bytes. One JSON line: wall time per reply (median, p10, p90)
/// and CPU time per reply.
@main
struct EmbeddingBench {
    static func main() async throws {
        let options = Options()
        let vectors = options.int("vectors", default: 1000)
        let dimensions = options.int("dimensions", default: 1536)
        let iterations = options.int("iterations", default: 30)
        let body = replyBody(vectors: vectors, dimensions: dimensions)
        let path = options.string("write-body", default: "")
        if !path.isEmpty { try Data(body.utf8).write(to: URL(fileURLWithPath: path)) }

        let provider = OpenAIProvider(
            configuration: OpenAIConfiguration(name: "bench", baseURL: "http://memory/v1", retryPolicy: .none),
            transport: MemoryTransport(body: ByteBuffer(string: body)))
        let request = EmbeddingRequest(model: "text-embedding-3-small", inputs: Array(repeating: "x", count: vectors))
        for _ in 0..<3 { _ = try await provider.embed(request) }  // warm up
        var times: [Double] = []
        let cpuBefore = processCPUSeconds()
        var checksum: Float = 0
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            let reply = try await provider.embed(request)
            times.append((ContinuousClock.now - start).seconds)
            checksum += reply.embeddings[vectors - 1].values[dimensions - 1]
        }
        let cpu = (processCPUSeconds() - cpuBefore) / Double(iterations)
        times.sort()
        emitResult([
            "variant": "swift-llm", "vectors": vectors, "dimensions": dimensions, "body_bytes": body.utf8.count,
            "median_ms": percentile(times, 0.5) * 1000, "p10_ms": percentile(times, 0.1) * 1000,
            "p90_ms": percentile(times, 0.9) * 1000, "cpu_ms": cpu * 1000, "checksum": Double(checksum),
        ])
    }

    /// A reply as OpenAI writes it, with values from a fixed pseudo-random sequence in [-0.1, 0.1).
    static func replyBody(vectors: Int, dimensions: Int) -> String {
        var state: UInt64 = 42
        var items: [String] = []
        items.reserveCapacity(vectors)
        for index in 0..<vectors {
            let values: [Float] = (0..<dimensions).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.2
            }
            items.append(#"{"object":"embedding","index":\#(index),"embedding":"\#(FloatBase64.encode(values))"}"#)
        }
        return #"{"object":"list","data":["# + items.joined(separator: ",")
            + #"],"model":"text-embedding-3-small","usage":{"prompt_tokens":\#(vectors),"total_tokens":\#(vectors)}}"#
    }
}

/// Answers every request with the same body, from memory.
struct MemoryTransport: HTTPTransport {
    let body: ByteBuffer

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        TransportResponse(status: 200, headers: ["content-type": "application/json"], body: TransportBody(chunks: [body]))
    }
}
