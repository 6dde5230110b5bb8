import Foundation
import LLM
import LLMTesting
import NIOHTTP1
import Testing

/// Inputs the fuzzers (Fuzz/, scripts/fuzz.sh) crashed on. Each runs in a child process (an exit test),
/// so a regression fails this one test instead of killing the whole test run.
@Suite struct FuzzRegressionTests {
    // MARK: Retry delays too large for Duration (FuzzOpenAIStream, FuzzGeminiStream)

    // `Duration.milliseconds(_: Double)` traps ("Overflow in multiplication") above about 1.7e23 ms;
    // the delay a server names was passed to it unbounded.

    @Test func hugeRetryAfterMillisecondsHeaderDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            let delay = RetryAfter.parse(["retry-after-ms": "1e30"])
            precondition(delay != nil && delay! > .seconds(86_400), "a huge delay is still a (long) delay")
        }
    }

    @Test func hugeRetryAfterSecondsHeaderDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            let delay = RetryAfter.parse(["retry-after": "100000000000000000000000000000"])
            precondition(delay != nil && delay! > .seconds(86_400))
        }
    }

    @Test func rateLimitWithAHugeRetryAfterIsARateLimitError() async {
        await #expect(processExitsWith: .success) {
            let error = await fuzzRegressionStreamError(
                OpenAIProvider(configuration: .init(baseURL: "http://replay/v1", retryPolicy: .none), transport: ReplayTransport([
                    .init(status: 429, headers: ["retry-after": "1e27"], body: #"{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}"#)
                ])))
            guard case .rateLimited(let delay?, _)? = error else { preconditionFailure("got \(String(describing: error))") }
            precondition(delay > .seconds(86_400))
        }
    }

    @Test func geminiRetryInfoWithAHugeDelayIsARateLimitError() async {
        await #expect(processExitsWith: .success) {
            let body = #"""
                {"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
                {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1e30s"}]}}
                """#
            let error = await fuzzRegressionStreamError(
                GeminiProvider(configuration: .init(baseURL: "http://replay/v1beta", retryPolicy: .none), transport: ReplayTransport([
                    .init(status: 429, body: body)
                ])))
            guard case .rateLimited(let delay?, _)? = error else { preconditionFailure("got \(String(describing: error))") }
            precondition(delay > .seconds(86_400))
        }
    }

    /// FuzzOllamaStream, crash-205e529b522d99f3b589232457e874c56b1cb132: a 404 whose `retry-after` is 52
    /// digits (every error status has its `Retry-After` read), served in 122-byte chunks, through `stream`
    /// with a tool and a JSON schema.
    @Test func ollamaNotFoundWithA52DigitRetryAfterIsModelNotFound() async {
        await #expect(processExitsWith: .success) {
            let body = String(repeating: "4", count: 36) + "DONE]Y1\n"
            let provider = OllamaProvider(
                configuration: .init(host: "http://fuzz:11434", apiKey: "ollama-fuzz", retryPolicy: .none),
                transport: ReplayTransport([
                    .init(status: 404, headers: ["retry-after": String(repeating: "4", count: 52)], body: body, chunkSize: 122)
                ]))
            var request = ChatRequest(model: "model-x", messages: [.user("Hi")])
            request.tools = [Tool(name: "get_weather", description: "Weather", parameters: .object(["city": .string()]))]
            request.responseFormat = .jsonSchema(name: "person", schema: .object(["name": .string(), "age": .integer()]))
            var error: LLMError?
            do {
                for try await _ in provider.stream(request) {}
            } catch let caught as LLMError {
                error = caught
            }
            precondition(error?.kind == "model_not_found", "got \(String(describing: error))")
        }
    }

    @Test func retryingAfterAHugeDelayIsCappedByThePolicy() async {
        await #expect(processExitsWith: .success) {
            let clock = RecordingRetryClock()
            let provider = OpenAIProvider(
                configuration: .init(baseURL: "http://replay/v1", retryPolicy: RetryPolicy(maxAttempts: 2, maxRetryAfter: .seconds(60), jitter: false)),
                transport: ReplayTransport([
                    .init(status: 429, headers: ["retry-after-ms": "1e300"], body: #"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#)
                ]),
                retryClock: clock)
            _ = await fuzzRegressionStreamError(provider)
            precondition(clock.delays == [.seconds(60)], "got \(clock.delays)")
        }
    }
}

/// Reads a stream to its end and returns the error it ended with.
func fuzzRegressionStreamError(_ provider: any LLMProvider) async -> LLMError? {
    do {
        for try await _ in provider.stream(ChatRequest(model: "m", messages: [.user("Hi")])) {}
        return nil
    } catch {
        return error as? LLMError
    }
}
