// swift-tools-version: 6.1
// Performance benchmarks of swift-llm. A package of its own so its release build lives in
// Benchmarks/.build and never touches the main package's build or `swift test`.
// Run everything with `scripts/bench.sh` from the repository root.
import Foundation
import PackageDescription

/// SwiftPM names a package reached by path after its folder, so the repository's own package is named after wherever
/// it was cloned (`swift-llm`, usually).
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "swift-llm-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Loopback replay server: transcripts, a fixed completion, held-open streams.
        .executableTarget(
            name: "BenchServer",
            dependencies: [
                "BenchSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // CPU time, memory, percentiles, arguments, JSON output.
        .target(name: "BenchSupport"),
        .executableTarget(
            name: "StreamBench",
            dependencies: [
                "BenchSupport",
                .product(name: "LLM", package: root),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "OverheadBench",
            dependencies: [
                "BenchSupport",
                .product(name: "LLM", package: root),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Fixed-rate load with exact latency percentiles, and streams held open (Gateway/gateway.sh).
        .executableTarget(
            name: "LoadGen",
            dependencies: [
                "BenchSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "EmbeddingBench",
            dependencies: [
                "BenchSupport",
                .product(name: "LLM", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "MemoryBench",
            dependencies: [
                "BenchSupport",
                .product(name: "LLM", package: root),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The gateway's stores alone: admissions and settlements one at a time and from many callers.
        .executableTarget(
            name: "StoreBench",
            dependencies: [
                .product(name: "LLMGateway", package: root),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
