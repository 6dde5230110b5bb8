import LLM
import LLMTesting
import Testing

@Suite struct MockProviderTests {
    @Test func streamsWordByWordAndRecordsRequests() async throws {
        let mock = MockProvider(replies: [.text("The quick  brown fox")])
        let request = ChatRequest(model: "m", messages: [.user("tell me")])
        var deltas: [String] = []
        var accumulator = StreamAccumulator()
        for try await event in mock.stream(request) {
            accumulator.consume(event)
            if case .textDelta(let delta, _) = event { deltas.append(delta) }
        }
        #expect(deltas == ["The", " quick", "  brown", " fox"])
        #expect(try accumulator.response().content == "The quick  brown fox")
        #expect(mock.requests == [request])
    }

    @Test func scriptedToolCalls() async throws {
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"], id: "c9")])
        let response = try await mock.complete(ChatRequest(model: "m", messages: [.user("weather?")]))
        #expect(response.toolCalls == [ToolCall(id: "c9", name: "get_weather", arguments: ["city": "Oslo"])])
        #expect(response.stopReason == .toolCalls)
    }

    @Test func jsonBuiltFromTheRequestSchema() async throws {
        let schema = JSONSchema.object([
            "name": .string(), "age": .integer(), "tags": .array(of: .string(enum: ["a", "b"])),
            "address": .object(["city": .string()]),
        ])
        let mock = MockProvider(replies: [.jsonFromRequestSchema])
        let request = ChatRequest(model: "m", messages: [.user("x")], responseFormat: .jsonSchema(name: "person", schema: schema))
        let response = try await mock.complete(request)
        let value = try JSONValue(parsing: response.content)
        #expect(value == ["name": "example", "age": 0, "tags": ["a"], "address": ["city": "example"]])
    }

    @Test func runningOutOfRepliesIsATypedError() async {
        let mock = MockProvider(replies: [])
        await #expect(throws: LLMError.self) { try await mock.complete(ChatRequest(model: "m", messages: [])) }
    }

    @Test func chunkDelaysAreRealAndCancellable() async throws {
        let mock = MockProvider(replies: [.text(String(repeating: "word ", count: 1000), chunkDelay: .milliseconds(20))])
        let task = Task {
            var count = 0
            for try await event in mock.stream(ChatRequest(model: "m", messages: [])) {
                if case .textDelta = event { count += 1 }
            }
            return count
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let delivered = try? await task.value
        // Cancelled long before 1000 words x 20 ms.
        #expect((delivered ?? 0) < 1000)
    }
}
