import Foundation
import LLM
import Testing

/// The agent loop against the real local model: it calls a Swift tool and continues with its result.
///
/// The server on `LocalServer.toolsBaseURL` produces real tool calls only for requests with tools and
/// tool choice "required" (anything else fails there), so step 1 goes to it with `.required` and later
/// steps go to `LocalServer.baseURL` with `.auto` (`AgentOptions.providerForStep`).
@Suite(.enabled(if: LocalServer.isConfigured, "set LLM_E2E_BASE_URL (scripts/test.sh does)"), .serialized)
struct AgentEndToEndTests {
    /// The tool's input; its schema is derived from the type, with the hint below.
    struct CityInput: StructuredOutput, Sendable {
        var city: String
        static var schemaHints: SchemaHints { ["city": .description("City name")] }
    }

    /// Records every request before passing it on, so the test can see what the model was sent.
    final class RecordingProvider: LLMProvider, @unchecked Sendable {
        let base: any LLMProvider
        private let lock = NSLock()
        private var received: [ChatRequest] = []

        init(_ base: any LLMProvider) { self.base = base }

        var name: String { base.name }

        var requests: [ChatRequest] {
            lock.lock()
            defer { lock.unlock() }
            return received
        }

        private func record(_ request: ChatRequest) {
            lock.lock()
            received.append(request)
            lock.unlock()
        }

        func complete(_ request: ChatRequest) async throws -> LLMResponse {
            record(request)
            return try await base.complete(request)
        }

        func stream(_ request: ChatRequest) -> LLMEventStream {
            record(request)
            return base.stream(request)
        }
    }

    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var cities: [String] = []
        func append(_ city: String) { lock.withLock { cities.append(city) } }
        var values: [String] { lock.withLock { cities } }
    }

    struct Setup {
        let agent: Agent
        let toolStep: RecordingProvider
        let answerSteps: RecordingProvider
        let calls: Calls
    }

    static let weatherReport = "{\"temperature_c\": 21, \"sky\": \"sunny\"}"

    func setup() throws -> Setup {
        let calls = Calls()
        let weather = try AgentTool(name: "get_weather", description: "Get the current weather for a city", input: CityInput.self) { input in
            calls.append(input.city)
            return Self.weatherReport
        }
        let toolStep = RecordingProvider(LocalServer.provider(LocalServer.toolsBaseURL))
        let answerSteps = RecordingProvider(LocalServer.provider(LocalServer.baseURL))
        let options = AgentOptions(
            maxSteps: 3, toolTimeout: .seconds(30), toolChoice: .requiredOnFirstStep, maxTokens: 64, temperature: 0,
            providerForStep: { step in step == 1 ? toolStep : nil })
        let agent = Agent(provider: answerSteps, model: LocalServer.model, tools: [weather.erased], options: options)
        return Setup(agent: agent, toolStep: toolStep, answerSteps: answerSteps, calls: calls)
    }

    @Test func callsASwiftToolAndContinuesWithItsResult() async throws {
        let setup = try setup()
        let result = try await setup.agent.run("What is the weather in Paris?")

        // Step 1: the model chose the call and its arguments; the Swift tool ran with exactly those.
        let first = try #require(result.steps.first)
        let call = try #require(first.toolCalls.first)
        #expect(call.name == "get_weather")
        let city = try #require(call.arguments["city"]?.stringValue)
        #expect(setup.calls.values.first == city)
        #expect(first.toolResults.first == ToolResult(toolCallID: call.id, name: "get_weather", content: Self.weatherReport))
        #expect(setup.toolStep.requests.first?.toolChoice == .required)
        #expect(setup.toolStep.requests.first?.tools.first?.parameters.value["properties"]?["city"]?["description"] == "City name")

        // Step 2 went to the other server, with the tool result in its conversation.
        let second = try #require(setup.answerSteps.requests.first)
        #expect(second.toolChoice == .auto)
        #expect(second.messages.contains { $0.toolResult?.toolCallID == call.id && $0.toolResult?.content == Self.weatherReport })
        #expect(result.steps.count >= 2)
        #expect(result.messages.contains { $0.toolResult?.content == Self.weatherReport })
        #expect(result.usage.inputTokens > result.steps[0].usage.inputTokens)
        #expect(result.usage.outputTokens > 0)
    }

    @Test func streamsStepEventsFromTheRealModel() async throws {
        let setup = try setup()
        var kinds: [String] = []
        var final: AgentResult?
        for try await event in setup.agent.stream("What is the weather in Oslo?") {
            switch event {
            case .toolCall: kinds.append("call")
            case .toolResult: kinds.append("result")
            case .stepFinished: kinds.append("step")
            case .finished(let result):
                kinds.append("finished")
                final = result
            case .textDelta, .reasoningDelta: break
            }
        }
        let result = try #require(final)
        #expect(Array(kinds.prefix(3)) == ["call", "result", "step"])
        #expect(kinds.last == "finished")
        #expect(kinds.filter { $0 == "step" }.count == result.steps.count)
        #expect(setup.calls.values.count >= 1)
    }
}
