import Foundation
import LLM
import LLMTesting
import Testing

/// Runs the `llm` executable as a user would and checks its output and exit codes.
@Suite("llm command line")
struct CLITests {
    /// Never printed by `llm`, whatever fails.
    static let secretKey = "sk-cli-test-SECRET-0123456789"

    // MARK: - Without a server

    @Test func helpExitsZeroAndDocumentsExitCodes() async throws {
        let result = try await CLIRunner.run(["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Exit codes"), "\(result)")
        for code in ["3 ", "4 ", "5 ", "6 ", "7 ", "8 ", "9 ", "130"] {
            #expect(result.stdout.contains("  \(code)"), "exit code \(code) missing from --help")
        }
    }

    @Test func chatHelpListsOptions() async throws {
        let result = try await CLIRunner.run(["chat", "--help"])
        #expect(result.status == 0, "\(result)")
        for option in ["--model", "--base-url", "--api-key", "--schema", "--tool", "--tool-choice", "--no-stream", "--output"] {
            #expect(result.stdout.contains(option), "\(option) missing from chat --help")
        }
    }

    @Test func noProviderConfiguredExitsThree() async throws {
        let result = try await CLIRunner.run(["Hello"])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.hasPrefix("llm: no provider configured"), "\(result)")
        #expect(result.stderr.contains("OPENAI_API_KEY"), "\(result)")
        #expect(result.stderr.contains("--base-url http://127.0.0.1:8080/v1"), "\(result)")
        #expect(result.stderr.contains("llamacpp/"), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    /// Local servers are "configured" by default; point them at a dead port so none answers.
    static let noLocalServers = [
        "LLAMACPP_BASE_URL": "http://127.0.0.1:9/v1", "LMSTUDIO_BASE_URL": "http://127.0.0.1:9/v1",
        "VLLM_BASE_URL": "http://127.0.0.1:9/v1", "OLLAMA_HOST": "http://127.0.0.1:9",
    ]

    @Test func modelsWithoutProviderExitsThree() async throws {
        let result = try await CLIRunner.run(["models"], environment: Self.noLocalServers)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("no provider configured"), "\(result)")
    }

    @Test func modelsListsEveryConfiguredProvider() async throws {
        try await withStubServer(answering: { _ in .json(200, #"{"object":"list","data":[{"id":"local-a"},{"id":"local-b"}]}"#) }) { server in
            var environment = Self.noLocalServers
            environment["VLLM_BASE_URL"] = server.baseURL + "/v1"
            let result = try await CLIRunner.run(["models"], environment: environment)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "vllm/local-a\nvllm/local-b\n")
        }
    }

    @Test func unknownProviderExitsThree() async throws {
        let result = try await CLIRunner.run(["-m", "nosuch/some-model", "--api-key", Self.secretKey, "Hello"])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("unknown provider 'nosuch'"), "\(result)")
    }

    @Test(arguments: [[], ["--no-stream"]])
    func unreachableServerExitsSix(extra: [String]) async throws {
        let result = try await CLIRunner.run(
            ["--base-url", "http://127.0.0.1:9/v1", "--api-key", Self.secretKey, "Hello"] + extra)
        #expect(result.status == 6, "\(result)")
        #expect(result.stderr.hasPrefix("llm: "), "\(result)")
        #expect(!result.stderr.contains(Self.secretKey), "the API key leaked: \(result)")
    }

    @Test func modelsOnUnreachableLocalServerExitsSix() async throws {
        // A local provider needs no key.
        let result = try await CLIRunner.run(["models", "-m", "llamacpp", "--base-url", "http://127.0.0.1:9/v1"])
        #expect(result.status == 6, "\(result)")
    }

    @Test func missingSchemaFileExitsThree() async throws {
        let result = try await CLIRunner.run(
            ["--base-url", "http://127.0.0.1:9/v1", "--api-key", "x", "--schema", "/nonexistent/schema.json", "Hello"])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("--schema /nonexistent/schema.json"), "\(result)")
    }

    @Test func invalidToolFileExitsThree() async throws {
        let file = try CLITemporaryFile(contents: "{ not json")
        let result = try await CLIRunner.run(
            ["--base-url", "http://127.0.0.1:9/v1", "--api-key", "x", "--tool", file.path, "Hello"])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("--tool"), "\(result)")
    }

    @Test(arguments: [["--max-tokens", "many", "Hello"], ["--json", "--schema", "s.json", "Hello"], ["--output", "xml", "Hello"]])
    func usageErrorsExitTwo(arguments: [String]) async throws {
        let result = try await CLIRunner.run(["--api-key", "x"] + arguments)
        #expect(result.status == 2, "\(result)")
    }

    @Test func emptyStdinIsAUsageError() async throws {
        let result = try await CLIRunner.run(["--api-key", "x", "--base-url", "http://127.0.0.1:9/v1"], stdin: "\n")
        #expect(result.status == 2, "\(result)")
    }

    // MARK: - Against a scripted OpenAI-compatible server

    @Test func streamsTextWithTrailingNewline() async throws {
        try await withStubServer(answering: { _ in .sse(CLIWire.stream(text: ["Hello", ", world"])) }) { server in
            let result = try await CLIRunner.run(["--base-url", server.openAIRoot, "Hi"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "Hello, world\n")
            let body = try JSONValue(parsing: try #require(server.requests.first).body)
            #expect(body["stream"] == true)
            #expect(body["messages"] == [["role": "user", "content": "Hi"]])
        }
    }

    @Test func readsThePromptFromStdin() async throws {
        try await withStubServer(answering: { _ in .sse(CLIWire.stream(text: ["ok"])) }) { server in
            let result = try await CLIRunner.run(["-m", "vllm/org/model-7b", "--base-url", server.openAIRoot], stdin: "from stdin\n")
            #expect(result.status == 0, "\(result)")
            let body = try JSONValue(parsing: try #require(server.requests.first).body)
            #expect(body["model"] == "org/model-7b")
            #expect(body["messages"] == [["role": "user", "content": "from stdin"]])
        }
    }

    @Test func sendsTheOptionsInTheRequest() async throws {
        let schema = try CLITemporaryFile(
            contents: #"{"title": "Weather report", "type": "object", "properties": {"temp": {"type": "number"}}}"#)
        let tool = try CLITemporaryFile(
            contents: #"{"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}"#)
        try await withStubServer(answering: { _ in .json(200, CLIWire.completion(text: #"{"temp": 3}"#)) }) { server in
            let result = try await CLIRunner.run([
                "--base-url", server.openAIRoot, "-m", "gpt-test", "--system", "Be brief", "--max-tokens", "50",
                "--temperature", "0.5", "--schema", schema.path, "--tool", tool.path, "--tool-choice", "get_weather",
                "--no-stream", "Hi",
            ])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "{\"temp\": 3}\n")
            let body = try JSONValue(parsing: try #require(server.requests.first).body)
            #expect(body["model"] == "gpt-test")
            #expect(body["stream"] == nil || body["stream"] == false)
            #expect(body["messages"]?.arrayValue?.first == ["role": "system", "content": "Be brief"])
            #expect(body["max_tokens"] == 50)
            #expect(body["temperature"]?.doubleValue == 0.5)
            #expect(body["response_format"]?["type"] == "json_schema")
            #expect(body["response_format"]?["json_schema"]?["name"] == "Weather_report")
            #expect(body["response_format"]?["json_schema"]?["strict"] == true)
            #expect(body["tools"]?.arrayValue?.first?["function"]?["name"] == "get_weather")
            #expect(body["tool_choice"]?["function"]?["name"] == "get_weather")
        }
    }

    @Test func printsToolCallsAfterTheText() async throws {
        try await withStubServer(answering: { _ in
            .sse(CLIWire.stream(text: ["Checking."], toolCall: ("get_weather", #"{"city":"Oslo"}"#)))
        }) { server in
            let result = try await CLIRunner.run(["--base-url", server.openAIRoot, "Weather?"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "Checking.\ntool call get_weather {\"city\":\"Oslo\"}\n")
        }
    }

    @Test(arguments: [[], ["--no-stream"]])
    func jsonOutputIsOneObject(extra: [String]) async throws {
        try await withStubServer(answering: { request in
            request.body.contains("\"stream\":true")
                ? .sse(CLIWire.stream(text: ["Hi", " there"], toolCall: ("lookup", #"{"q":"x"}"#)))
                : .json(200, CLIWire.completion(text: "Hi there"))
        }) { server in
            let result = try await CLIRunner.run(["--base-url", server.openAIRoot, "--output", "json", "Hello"] + extra)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasSuffix("\n") && result.stdout.dropLast().contains("\n") == false, "\(result)")
            let json = try JSONValue(parsing: result.stdout)
            #expect(json["content"] == "Hi there")
            #expect(json["model"] == "stub-model")
            #expect(json["usage"]?["inputTokens"] == 7)
            #expect(json["usage"]?["outputTokens"] == 3)
            #expect(json["usage"]?["cacheReadTokens"] == 0)
            #expect(json["usage"]?["reasoningTokens"] == 0)
            if extra.isEmpty {
                #expect(json["stopReason"] == "tool_calls")
                #expect(json["toolCalls"] == [["id": "call_1", "name": "lookup", "arguments": ["q": "x"]]])
            } else {
                #expect(json["stopReason"] == "end_turn")
                #expect(json["toolCalls"] == [])
            }
        }
    }

    @Test func listsModels() async throws {
        try await withStubServer(answering: { _ in
            .json(200, #"{"object":"list","data":[{"id":"model-a","object":"model","owned_by":"me"},{"id":"org/model-b","object":"model"}]}"#)
        }) { server in
            let text = try await CLIRunner.run(["models", "-m", "lmstudio", "--base-url", server.openAIRoot])
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout == "model-a\norg/model-b\n")
            let json = try await CLIRunner.run(["models", "--base-url", server.openAIRoot, "--output", "json"])
            #expect(json.status == 0, "\(json)")
            #expect(try JSONValue(parsing: json.stdout) == ["model-a", "org/model-b"])
            #expect(server.requests.allSatisfy { $0.method == "GET" && $0.path == "/v1/models" })
        }
    }

    @Test func ctrlCCancelsAStreamingReply() async throws {
        var stalling = StubResponse.sse(CLIWire.stream(text: ["Partial", " never sent"]))
        // Send the first two events, then stall far longer than the test waits.
        stalling.actions.insert(.pause(.seconds(60)), at: 2)
        try await withStubServer(answering: { [stalling] _ in stalling }) { server in
            let start = ContinuousClock.now
            let result = try await CLIRunner.run(
                ["--base-url", server.openAIRoot, "Hi"], interruptAfter: .seconds(2), timeout: .seconds(30))
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("llm: cancelled"), "\(result)")
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }

    /// Provider errors map to the documented exit codes, and the key never shows.
    @Test(arguments: [
        (401, CLIWire.error(type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided: \(CLITests.secretKey)"), Int32(4)),
        (403, CLIWire.error(type: "permission_error", code: nil, message: "Not allowed"), Int32(4)),
        (429, CLIWire.error(type: "requests", code: "rate_limit_exceeded", message: "Slow down"), Int32(5)),
        (404, CLIWire.error(type: "invalid_request_error", code: "model_not_found", message: "No such model"), Int32(7)),
        (400, CLIWire.error(type: "invalid_request_error", code: "context_length_exceeded", message: "This model's maximum context length is 8 tokens"), Int32(7)),
        (500, CLIWire.error(type: "server_error", code: nil, message: "Boom"), Int32(8)),
        (200, "this is not json", Int32(9)),
    ])
    func providerErrorsMapToExitCodes(status: Int, body: String, expected: Int32) async throws {
        try await withStubServer(answering: { _ in .json(status, body) }) { server in
            let result = try await CLIRunner.run(["--base-url", server.openAIRoot, "--api-key", Self.secretKey, "--no-stream", "Hi"])
            #expect(result.status == expected, "\(result)")
            #expect(result.stderr.hasPrefix("llm: "), "\(result)")
            #expect(!result.stderr.contains(Self.secretKey), "the API key leaked: \(result)")
        }
    }
}

/// Runs `body` against a scripted server and shuts the server down afterwards.
func withStubServer(
    answering handler: @escaping StubHTTPServer.Handler, _ body: (StubHTTPServer) async throws -> Void
) async throws {
    let server = try await StubHTTPServer.start(handler)
    do {
        try await body(server)
    } catch {
        try? await server.shutdown()
        throw error
    }
    try await server.shutdown()
}

extension StubHTTPServer {
    /// The API root an OpenAI-compatible provider is given.
    var openAIRoot: String { baseURL + "/v1" }
}

/// A file under the temporary directory, deleted when the value is.
final class CLITemporaryFile {
    let path: String

    init(contents: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("llm-cli-\(UUID().uuidString).json").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
