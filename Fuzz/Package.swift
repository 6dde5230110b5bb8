// swift-tools-version: 6.1
// libFuzzer targets for swift-llm. A separate package, so fuzz builds (every module instrumented with
// -sanitize=fuzzer) never touch the main package's .build. Build and run them with scripts/fuzz.sh.
import Foundation
import PackageDescription

/// The root package is one directory up; its identity is its folder's name, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let fuzzers = [
    "FuzzSSEDecoder", "FuzzNDJSONDecoder", "FuzzToolArguments",
    "FuzzOpenAIStream", "FuzzAnthropicStream", "FuzzResponsesStream", "FuzzGeminiStream", "FuzzOllamaStream",
    "FuzzJSONParser", "FuzzJSONDifferential", "FuzzServerRequests",
]

let package = Package(
    name: "swift-llm-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        // Already a dependency of the root package (same pin); named here because the fuzzers import NIO.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver for Swift.
        .target(name: "CFuzzerDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "LLM", package: rootIdentity),
                .product(name: "LLMTesting", package: rootIdentity),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ]
        + fuzzers.map { name in
            .executableTarget(
                name: name,
                dependencies: ["FuzzSupport", .product(name: "LLM", package: rootIdentity)]
            )
        },
    swiftLanguageModes: [.v6]
)
