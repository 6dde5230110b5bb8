import LLM
import LLMTesting
import Testing

@Suite struct AgentParallelTests {
    static func calls(_ names: [String]) -> MockReply {
        MockReply(.toolCalls(names.enumerated().map { ToolCall(id: "c\($0.offset)", name: $0.element, arguments: ["city": "X"]) }, text: ""))
    }

    @Test func callsOfOneStepRunConcurrently() async throws {
        // Each handler waits until all three have started: run one after the other, the first would
        // wait forever and time out.
        let barrier = Barrier(parties: 3)
        func tool(_ name: String) -> AnyAgentTool {
            AgentTool(name: name, description: "", input: CityInput.self, schema: citySchema) { _ in
                await barrier.arrive()
                return "\(name) passed the barrier"
            }.erased
        }
        let mock = MockProvider(replies: [Self.calls(["a", "b", "c"]), .text("Done")])
        let options = AgentOptions(toolTimeout: .seconds(10))
        let result = try await Agent(provider: mock, model: "m", tools: [tool("a"), tool("b"), tool("c")], options: options).run("?")
        let results = try #require(result.steps.first?.toolResults)
        #expect(results.map(\.content) == ["a passed the barrier", "b passed the barrier", "c passed the barrier"])
        #expect(results.allSatisfy { !$0.isError })
        // The conversation lists the results in the order of the calls.
        #expect(result.messages.compactMap(\.toolResult?.toolCallID) == ["c0", "c1", "c2"])
    }

    @Test func aToolThatNeverReturnsTimesOutAsAnErrorResult() async throws {
        let never = Gate()
        let stuck = AgentTool(name: "stuck", description: "", input: CityInput.self, schema: citySchema) { _ -> String in
            await never.wait()  // ignores cancellation: only the agent's time limit gets past this
            return "too late"
        }
        let fast = AgentTool(name: "fast", description: "", input: CityInput.self, schema: citySchema) { _ in "quick" }
        let mock = MockProvider(replies: [Self.calls(["stuck", "fast"]), .text("Moving on.")])
        let options = AgentOptions(toolTimeout: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await Agent(provider: mock, model: "m", tools: [stuck.erased, fast.erased], options: options).run("?")
        let elapsed = clock.now - start
        never.open()

        let results = try #require(result.steps.first?.toolResults)
        #expect(results[0].isError)
        #expect(results[0].content.hasPrefix("Tool 'stuck' did not finish within"))
        #expect(results[1] == ToolResult(toolCallID: "c1", name: "fast", content: "quick"))
        #expect(result.text == "Moving on.")
        #expect(elapsed < .seconds(20))
    }

    @Test func resultsAreReportedAsTheyFinishButKeptInCallOrder() async throws {
        // "slow" can only finish after "quick" has: the events must show quick first.
        let quickDone = Gate()
        let slow = AgentTool(name: "slow", description: "", input: CityInput.self, schema: citySchema) { _ in
            await quickDone.wait()
            return "slow"
        }
        let quick = AgentTool(name: "quick", description: "", input: CityInput.self, schema: citySchema) { _ in
            quickDone.open()
            return "quick"
        }
        let mock = MockProvider(replies: [Self.calls(["slow", "quick"]), .text("Done")])
        var events: [String] = []
        var final: AgentResult?
        let agent = Agent(provider: mock, model: "m", tools: [slow.erased, quick.erased], options: AgentOptions(toolTimeout: .seconds(10)))
        for try await event in agent.stream("?") {
            events.append(kind(event))
            if case .finished(let result) = event { final = result }
        }
        #expect(collapsed(events) == ["call:slow", "call:quick", "result:quick", "result:slow", "step1", "text", "step2", "finished"])
        #expect(final?.steps.first?.toolResults.map(\.content) == ["slow", "quick"])
    }
}
