import Foundation
import LLM
import LLMTesting
import Testing

/// The model handle: a provider and a model name bound together, and its stream read in one pass.
@Suite struct LanguageModelTests {
    @Test func generateSendsThePromptToTheBoundModel() async throws {
        let mock = MockProvider(replies: [.text("Hello there")])
        let model = mock.model("small-model")
        let reply = try await model.generate("Hi", system: "Be brief.")
        #expect(reply.content == "Hello there")
        let sent = try #require(mock.requests.first)
        #expect(sent.model == "small-model" && sent.system == "Be brief." && sent.messages == [.user("Hi")])
    }

    @Test func aRequestGoesToTheBoundModelWhateverItNames() async throws {
        let mock = MockProvider(replies: [.text("ok")])
        _ = try await mock.model("bound").generate(ChatRequest(model: "other", messages: [.user("x")], maxTokens: 5))
        #expect(mock.requests.first?.model == "bound" && mock.requests.first?.maxTokens == 5)
    }

    /// The text pieces, then the whole reply with its usage, from one pass: the provider is asked once.
    @Test func textStreamThenResponseFromOnePass() async throws {
        let mock = MockProvider(replies: [MockReply(.text("one two three"), usage: Usage(inputTokens: 3, outputTokens: 3))])
        let stream = mock.model("m").stream("Count")
        var pieces: [String] = []
        for try await piece in stream.textStream { pieces.append(piece) }
        #expect(pieces.count > 1, "streamed in pieces: \(pieces)")
        #expect(pieces.joined() == "one two three")
        let response = try await stream.response
        #expect(response.content == "one two three" && response.usage == Usage(inputTokens: 3, outputTokens: 3))
        #expect(mock.requests.count == 1)
    }

    @Test func responseAloneReadsTheWholeStreamAndHalfReadStreamsToo() async throws {
        let mock = MockProvider(replies: [.text("alpha beta gamma")], repeatLastReply: true)
        #expect(try await mock.model("m").stream("x").response.content == "alpha beta gamma")
        let stream = mock.model("m").stream("x")
        var iterator = stream.textStream.makeAsyncIterator()
        #expect(try await iterator.next() != nil)
        #expect(try await stream.response.content == "alpha beta gamma", "the rest is read by response")
    }

    @Test func aStreamErrorReachesTheReaderAndTheResponse() async throws {
        let mock = MockProvider(replies: [.error(.rateLimited(retryAfter: nil, ProviderErrorDetails(provider: "mock", message: "slow")))])
        let stream = mock.model("m").stream("x")
        await #expect(throws: LLMError.self) { for try await _ in stream.textStream {} }
        await #expect(throws: LLMError.self) { _ = try await stream.response }
    }

    @Test func typedGenerationAndEmbeddingsThroughTheHandle() async throws {
        struct City: Decodable, Equatable { var name: String }
        let mock = MockProvider(replies: [.json(["name": "Oslo"])])
        mock.enqueueEmbeddings(.hashed(dimensions: 4))
        let model = mock.model("m")
        #expect(try await model.generate(City.self, "The capital of Norway") == City(name: "Oslo"))
        #expect(try await model.embed(["a", "b"]).embeddings.count == 2)
        #expect(mock.embeddingRequests.first?.model == "m")
    }

    @Test func aReferenceIsResolvedThroughTheRegistry() throws {
        let model = try LanguageModel("openai/gpt-4o-mini", registry: ProviderRegistry(environment: ["OPENAI_API_KEY": "sk-test"]))
        #expect(model.provider.name == "openai" && model.name == "gpt-4o-mini")
        let local = try LanguageModel("llamacpp/smol", registry: ProviderRegistry(environment: [:]))
        #expect(local.provider.name == "llamacpp" && local.name == "smol")
        #expect(throws: ProviderRegistryError.self) { try LanguageModel("nosuch/m", registry: ProviderRegistry(environment: [:])) }
        #expect(throws: ProviderRegistryError.self) { try LanguageModel("anthropic/claude", registry: ProviderRegistry(environment: [:])) }
    }

    @Test func anAgentOnAModel() async throws {
        let mock = MockProvider(replies: [.text("done")])
        let result = try await Agent(model: mock.model("m"), system: "s").run("go")
        #expect(result.text == "done")
        #expect(mock.requests.first?.model == "m")
    }
}

/// What the review of the stream found: readers take turns, and a cancelled read is a cancellation for every reader.
@Suite struct ModelStreamTurnTests {
    @Test func awaitingTheResponseWhileAnotherTaskIteratesIsSafe() async throws {
        let mock = MockProvider(replies: [.text("one two three four five six seven eight", chunkDelay: .milliseconds(2))], repeatLastReply: true)
        for _ in 0..<20 {
            let stream = mock.model("m").stream("x")
            async let whole = stream.response
            var pieces: [String] = []
            for try await piece in stream.textStream { pieces.append(piece) }
            let response = try await whole
            #expect(response.content == "one two three four five six seven eight")
            // Each event went to one reader: the pieces this loop saw are words of the reply, in order.
            let words = response.content.split(separator: " ").map(String.init)
            let seen = pieces.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(seen.allSatisfy(words.contains), "\(pieces)")
            #expect(seen == words.filter(seen.contains), "in order: \(pieces)")
        }
    }

    @Test func aCancelledReadIsACancellationForLaterReadersToo() async throws {
        let mock = MockProvider(replies: [.text("a b c d e f g h i j k l m n o p", chunkDelay: .milliseconds(50))])
        let stream = mock.model("m").stream("x")
        let reader = Task { for try await _ in stream.textStream {} }
        try await Task.sleep(for: .milliseconds(120))
        reader.cancel()
        _ = await reader.result
        await #expect(throws: LLMError.cancelled) { _ = try await stream.response }
    }
}
