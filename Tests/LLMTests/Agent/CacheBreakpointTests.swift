import Foundation
import LLM
import LLMTesting
import Testing

/// Cache breakpoints on the wire (Anthropic's `cache_control`; the other formats send the same request without
/// them) and in the cost of an agent run that reads its history from the cache.
@Suite struct CacheBreakpointTests {
    @Test func anthropicMarksTheLastBlockOfEachMarkedMessageAndKeepsTheLatestFour() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/anthropic/plain-text.json"))])
        let provider = AnthropicProvider(
            configuration: AnthropicConfiguration(apiKey: "k", options: AnthropicOptions(cacheSystemPrompt: true)), transport: transport)
        let messages: [Message] = [
            Message.user("one").cached(), .assistant("two"), Message.user([.text("three"), .text("four")]).cached(.oneHour),
            Message.assistant("five").cached(), Message.user("six").cached(),
        ]
        _ = try await provider.complete(ChatRequest(model: "claude", messages: messages, system: "rules"))
        let body = try #require(transport.requestBodies.first)
        // The system prompt's mark comes before a one-hour mark, so it lasts an hour too (Anthropic wants them first).
        #expect(body["system"]?.arrayValue?.first?["cache_control"] == ["type": "ephemeral", "ttl": "1h"])
        let turns = try #require(body["messages"]?.arrayValue)
        // The system prompt takes one of the four: the three latest message breakpoints are sent, "one"'s is dropped.
        #expect(turns[0]["content"]?.arrayValue?[0]["cache_control"] == nil)
        #expect(turns[2]["content"]?.arrayValue?[0]["cache_control"] == nil, "only a message's last block")
        #expect(turns[2]["content"]?.arrayValue?[1]["cache_control"] == ["type": "ephemeral", "ttl": "1h"])
        #expect(turns[3]["content"]?.arrayValue?[0]["cache_control"] == ["type": "ephemeral"])
        #expect(turns[4]["content"]?.arrayValue?[0]["cache_control"] == ["type": "ephemeral"])
    }

    /// Gemini and Ollama cache (or not) on their own: a breakpoint changes nothing they are sent.
    @Test func geminiAndOllamaSendTheSameRequestWithOrWithoutBreakpoints() async throws {
        func bodies(_ make: (ReplayTransport) -> any LLMProvider, fixture: String) async throws -> [JSONValue] {
            var sent: [JSONValue] = []
            for cached in [false, true] {
                let transport = ReplayTransport([.init(body: try Fixtures.text(fixture))])
                let message = Message.user("hi")
                _ = try await make(transport).complete(ChatRequest(model: "m", messages: [cached ? message.cached(.oneHour) : message]))
                sent += transport.requestBodies
            }
            return sent
        }
        let gemini = try await bodies({ GeminiProvider(configuration: GeminiConfiguration(baseURL: "http://stub/v1beta", apiKey: "k"), transport: $0) },
                                      fixture: "conformance/gemini/plain-text.json")
        #expect(gemini.count == 2 && gemini[0] == gemini[1])
        let ollama = try await bodies({ OllamaProvider(configuration: OllamaConfiguration(host: "http://stub:11434"), transport: $0) },
                                      fixture: "conformance/ollama/plain-text.json")
        #expect(ollama.count == 2 && ollama[0] == ollama[1])
    }

    @Test func providersWithoutExplicitCachingSendTheSameRequest() async throws {
        for cached in [false, true] {
            let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/openai/plain-text.json"))])
            let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1"), transport: transport)
            let message = Message.user("hi")
            _ = try await provider.complete(ChatRequest(model: "m", messages: [cached ? message.cached() : message]))
            #expect(transport.requestBodies.first == ["model": "m", "messages": [["role": "user", "content": "hi"]]])
        }
    }

    /// A two-step tool loop with `cacheLatestTurn`: each request marks its latest message, the second reads the
    /// first's prompt from the cache, and the run's cost prices the cache write and read as Anthropic bills them.
    @Test func anAgentLoopReadsItsHistoryFromTheCacheAndItsCostSaysSo() async throws {
        let transport = ReplayTransport([
            .init(headers: ["content-type": "text/event-stream"], body: try Fixtures.text("anthropic/cache-step-1-tool-call.sse")),
            .init(headers: ["content-type": "text/event-stream"], body: try Fixtures.text("anthropic/cache-step-2-text.sse")),
        ])
        let provider = AnthropicProvider(configuration: AnthropicConfiguration(apiKey: "k"), transport: transport)
        let agent = Agent(
            model: provider.model("claude-sonnet-4-5"), tools: [WeatherTool()], options: AgentOptions(cacheLatestTurn: .fiveMinutes))
        let result = try await agent.run("Weather in Oslo?")
        #expect(result.text == "Sunny in Oslo.")

        let bodies = transport.requestBodies
        try #require(bodies.count == 2)
        let first = try #require(bodies[0]["messages"]?.arrayValue)
        #expect(first.last?["content"]?.arrayValue?.last?["cache_control"] == ["type": "ephemeral"])
        let second = try #require(bodies[1]["messages"]?.arrayValue)
        #expect(second.last?["content"]?.arrayValue?.last?["type"] == "tool_result")
        #expect(second.last?["content"]?.arrayValue?.last?["cache_control"] == ["type": "ephemeral"])
        #expect(second[0]["content"]?.arrayValue?.last?["cache_control"] == nil, "the breakpoint moved on")

        // Inputs are all prompt tokens, cached or not: 12 + 3,000 written, then 30 + 40 written + 3,000 read.
        #expect(result.usage == Usage(inputTokens: 6082, outputTokens: 25, cacheReadTokens: 3000, cacheWriteTokens: 3040))
        // claude-sonnet-4: $3 input, $15 output, $0.30 cache read, $3.75 cache write, per million tokens.
        let cost = try #require(result.usage.cost(with: .builtIn, model: "claude-sonnet-4-5"))
        #expect(cost.total == Decimal(string: "0.012801")!, "42 x $3 + 25 x $15 + 3,000 x $0.30 + 3,040 x $3.75, per million")
        let uncached = Usage(inputTokens: 6082, outputTokens: 25).cost(with: .builtIn, model: "claude-sonnet-4-5")!
        #expect(cost.total < uncached.total)
    }
}

/// What the review of the cache marks found: the structured-output tool's mark counts, one-hour marks come first,
/// thinking blocks and empty messages take none.
@Suite struct AnthropicCachePlanTests {
    func body(_ request: ChatRequest, _ options: AnthropicOptions) async throws -> JSONValue {
        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/anthropic/plain-text.json"))])
        let provider = AnthropicProvider(configuration: AnthropicConfiguration(apiKey: "k", options: options), transport: transport)
        _ = try await provider.complete(request)
        return try #require(transport.requestBodies.first)
    }

    /// Every `cache_control` in a body, in prompt order (tools, system, messages).
    func marks(_ body: JSONValue) -> [JSONValue] {
        var found: [JSONValue] = []
        for tool in body["tools"]?.arrayValue ?? [] { if let mark = tool["cache_control"] { found.append(mark) } }
        for block in body["system"]?.arrayValue ?? [] { if let mark = block["cache_control"] { found.append(mark) } }
        for turn in body["messages"]?.arrayValue ?? [] {
            for block in turn["content"]?.arrayValue ?? [] { if let mark = block["cache_control"] { found.append(mark) } }
        }
        return found
    }

    @Test func theStructuredOutputToolsMarkCounts() async throws {
        let messages = (0..<6).map { Message.user("m\($0)").cached() }
        let request = ChatRequest(model: "c", messages: messages, responseFormat: .jsonSchema(name: "x", schema: .object(["a": .string()])))
        let body = try await body(request, AnthropicOptions(nativeStructuredOutput: false, cacheTools: true))
        #expect(marks(body).count == 4)
        #expect(body["tools"]?.arrayValue?.last?["cache_control"] == ["type": "ephemeral"])
    }

    @Test func oneHourMarksComeBeforeFiveMinuteOnes() async throws {
        let request = ChatRequest(model: "c", messages: [
            Message.system("rules").cached(), Message.user("a").cached(), .assistant("b"), Message.user("c").cached(.oneHour), Message.user("d").cached(),
        ], tools: [Tool(name: "t", description: "d", parameters: .object([:]))])
        let body = try await body(request, AnthropicOptions(cacheTools: true))
        let hour: JSONValue = ["type": "ephemeral", "ttl": "1h"]
        // Four fit: tools, system, then the latest two messages, "c" (an hour) and "d" (five minutes, after it: allowed).
        // The tools' and the system's five-minute marks come before an hour's, so they last an hour too; "a" is left out.
        #expect(marks(body) == [hour, hour, hour, ["type": "ephemeral"]])
        let oneHourSystem = try await self.body(ChatRequest(model: "c", messages: [Message.system("s").cached(.oneHour), .user("x")]), AnthropicOptions())
        #expect(marks(oneHourSystem) == [hour])
    }

    @Test func thinkingBlocksAndEmptyMessagesTakeNoMark() async throws {
        let thinking = Message(role: .assistant, reasoning: [ReasoningBlock(text: "hmm", signature: "sig")]).cached()
        let request = ChatRequest(model: "c", messages: [
            Message.user("a").cached(), Message.user("b").cached(), Message.user("c").cached(), thinking, Message.user("").cached(),
            Message.user("d").cached(),
        ])
        let body = try await body(request, AnthropicOptions())
        #expect(marks(body).count == 4, "a, b, c and d: neither the thinking turn nor the empty message")
        let turns = try #require(body["messages"]?.arrayValue)
        #expect(turns.contains { $0["content"]?.arrayValue?.contains { $0["type"] == "thinking" && $0["cache_control"] == nil } ?? false })
    }
}
