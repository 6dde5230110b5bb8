import LLM
import LLMTesting
import Testing

@Suite struct AgentStreamTests {
    @Test func eventsComeInStepOrder() async throws {
        let mock = MockProvider(replies: [
            MockReply(.toolCalls([ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Oslo"])], text: "Let me check."),
                      reasoning: ReasoningBlock(text: "I need the weather tool")),
            .text("It is sunny in Oslo."),
        ])
        let agent = Agent(provider: mock, model: "m", tools: [weatherTool()])
        var events: [AgentEvent] = []
        for try await event in agent.stream("Weather in Oslo?") { events.append(event) }

        #expect(collapsed(events.map(kind)) == [
            "reasoning", "text", "call:get_weather", "result:get_weather", "step1", "text", "step2", "finished",
        ])
        let reasoning = events.compactMap { if case .reasoningDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(reasoning == "I need the weather tool")
        let text = events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(text == "Let me check.It is sunny in Oslo.")
        #expect(events.contains(.toolCall(ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Oslo"]))))
        #expect(events.contains(.toolResult(ToolResult(toolCallID: "c1", name: "get_weather", content: "21 °C and sunny in Oslo"))))
    }

    @Test func stepEventsCarryUsageAndTheLastEventIsTheResult() async throws {
        let mock = MockProvider(replies: [
            MockReply(.toolCalls([ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Oslo"])], text: ""), usage: Usage(inputTokens: 10, outputTokens: 2)),
            MockReply(.text("Sunny."), usage: Usage(inputTokens: 20, outputTokens: 3)),
        ])
        var steps: [AgentStep] = []
        var last: AgentEvent?
        for try await event in Agent(provider: mock, model: "m", tools: [weatherTool()]).stream("?") {
            if case .stepFinished(let step) = event { steps.append(step) }
            last = event
        }
        #expect(steps.map(\.usage) == [Usage(inputTokens: 10, outputTokens: 2), Usage(inputTokens: 20, outputTokens: 3)])
        guard case .finished(let result) = last else {
            Issue.record("the last event is not .finished")
            return
        }
        #expect(result.usage == Usage(inputTokens: 30, outputTokens: 5))
        #expect(result.steps == steps)
        #expect(result.text == "Sunny.")
    }

    @Test func streamAndRunGiveTheSameResult() async throws {
        let replies: [MockReply] = [.toolCall("get_weather", arguments: ["city": "Oslo"]), .text("Sunny.")]
        let run = try await Agent(provider: MockProvider(replies: replies), model: "m", tools: [weatherTool()]).run("?")
        var streamed: AgentResult?
        for try await event in Agent(provider: MockProvider(replies: replies), model: "m", tools: [weatherTool()]).stream("?") {
            if case .finished(let result) = event { streamed = result }
        }
        #expect(streamed == run)
    }

    @Test func modelErrorsEndTheStream() async throws {
        let details = ProviderErrorDetails(provider: "mock", status: 429, message: "slow down")
        let mock = MockProvider(replies: [.error(.rateLimited(retryAfter: nil, details))])
        var received = 0
        await #expect(throws: LLMError.rateLimited(retryAfter: nil, details)) {
            for try await _ in Agent(provider: mock, model: "m").stream("?") { received += 1 }
        }
        #expect(received == 0)
    }

    @Test func cancellingTheConsumerCancelsTheRun() async throws {
        let started = Gate()
        let cancelled = Gate()
        let tool = AgentTool(name: "slow", description: "", input: CityInput.self, schema: citySchema) { _ -> String in
            started.open()
            do { try await Task.sleep(for: .seconds(60)) } catch { cancelled.open() }
            return "late"
        }
        let mock = MockProvider(replies: [.toolCall("slow", arguments: ["city": "A"]), .text("never")])
        let agent = Agent(provider: mock, model: "m", tools: [tool.erased])
        let consumer = Task {
            for try await _ in agent.stream("?") {}
        }
        await started.wait()
        consumer.cancel()
        await cancelled.wait()  // returns only because the handler's sleep was cancelled
        _ = try? await consumer.value
        #expect(mock.requests.count == 1)
    }
}
