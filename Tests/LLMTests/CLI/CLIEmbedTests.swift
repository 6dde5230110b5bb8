import Foundation
import LLM
import LLMTesting
import Testing

/// `llm embed` against a scripted OpenAI-compatible server: texts from the arguments or stdin, vectors as JSON.
@Suite struct CLIEmbedTests {
    /// Answers each input with [its length, -0.5], base64 as the CLI asks, and reports one token an input.
    static func server(_ request: StubRequest) -> StubResponse {
        let body = (try? JSONValue(parsing: request.body)) ?? .null
        let texts = body["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let data: [JSONValue] = texts.enumerated().map { index, text in
            ["index": .int(index), "embedding": .string(FloatBase64.encode([Float(text.count), -0.5]))]
        }
        return .json(200, (["data": .array(data), "model": "emb", "usage": ["prompt_tokens": .int(texts.count)]] as JSONValue).jsonString)
    }

    @Test func argumentsGiveOneJSONArrayALineInOrder() async throws {
        try await withStubServer(answering: { Self.server($0) }) { server in
            let result = try await CLIRunner.run([
                "embed", "-m", "llamacpp/emb", "--base-url", server.baseURL + "/v1", "--dimensions", "2", "one", "three",
            ])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "[3.0,-0.5]\n[5.0,-0.5]\n")
            let sent = try JSONValue(parsing: try #require(server.requests.first).body)
            #expect(sent["dimensions"] == 2 && sent["input"] == ["one", "three"])
        }
    }

    @Test func stdinLinesAndTheJSONObject() async throws {
        try await withStubServer(answering: { Self.server($0) }) { server in
            let result = try await CLIRunner.run(
                ["embed", "-m", "llamacpp/emb", "--base-url", server.baseURL + "/v1", "--output", "json"], stdin: "first\n\n  \nsecond line\n")
            #expect(result.status == 0, "\(result)")
            let reply = try JSONValue(parsing: result.stdout)
            #expect(reply == ["model": "emb", "input_tokens": 2, "embeddings": [[5, -0.5], [11, -0.5]]])
        }
    }

    @Test func nothingToEmbedIsAUsageErrorAndAProviderWithoutEmbeddingsSaysSo() async throws {
        let empty = try await CLIRunner.run(["embed", "-m", "llamacpp/emb", "--base-url", "http://127.0.0.1:9/v1"], stdin: "\n")
        #expect(empty.status == 2 && empty.stderr.contains("no text to embed"), "\(empty)")
        let anthropic = try await CLIRunner.run(["embed", "-m", "anthropic/claude", "--api-key", "k", "x"])
        #expect(anthropic.status == 7, "\(anthropic)")
        #expect(anthropic.stderr.contains("embeddings"), "\(anthropic)")
    }
}
