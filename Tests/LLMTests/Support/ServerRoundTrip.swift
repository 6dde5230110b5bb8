import LLM
import LLMTesting
import NIOHTTP1
import PropertyBased
import Testing

/// What the wire formats' round-trip tests share: random cases from a seed, the comparison of a reply read back
/// with the one written, an error answer read back by the client side, and the check of a refused request.
enum ServerRoundTrip {
    /// The question every client side is asked while it reads back what a server side wrote.
    static let question = ChatRequest(model: "m", messages: [.user("x")])

    /// Runs `body` on `count` random seeds; an error it throws is recorded with its seed.
    static func check(count: Int, _ body: @escaping @Sendable (Int, inout RandomChat) async throws -> Void) async {
        await propertyCheck(count: count, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var random = RandomChat(seed: seed)
            do {
                try await body(seed, &random)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// `read` says what `original` said, in every field: reasoning whole (blocks and signatures), or, for a format
    /// without signatures, as its text.
    static func expectSame(
        _ read: LLMResponse, _ original: LLMResponse, seed: Int, reasoningTextOnly: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(read.content == original.content, "seed \(seed)", sourceLocation: sourceLocation)
        #expect(read.toolCalls == original.toolCalls, "seed \(seed)", sourceLocation: sourceLocation)
        if reasoningTextOnly {
            #expect(read.reasoning.map(\.text).joined() == original.reasoning.map(\.text).joined(), "seed \(seed)", sourceLocation: sourceLocation)
        } else {
            #expect(read.reasoning == original.reasoning, "seed \(seed)", sourceLocation: sourceLocation)
        }
        #expect(read.model == original.model, sourceLocation: sourceLocation)
        #expect(read.usage == original.usage, "seed \(seed)", sourceLocation: sourceLocation)
        #expect(read.stopReason == original.stopReason, "seed \(seed)", sourceLocation: sourceLocation)
    }

    /// The error a client side (made by `client` on the reply) reads from a server side's error `answer`.
    static func readError(
        _ answer: (status: Int, body: JSONValue, headers: [(String, String)]), client: ([ReplayTransport.Reply]) -> any LLMProvider
    ) async -> LLMError? {
        let reply = ReplayTransport.Reply(status: answer.status, headers: HTTPHeaders(answer.headers), body: answer.body.jsonString)
        return await llmError { _ = try await client([reply]).complete(question) }
    }

    /// `decode` refuses its body as a 400 `invalidRequest` whose message starts with `message`.
    static func expectInvalidRequest(
        _ message: String, sourceLocation: SourceLocation = #_sourceLocation, _ decode: () throws -> Void
    ) {
        #expect(sourceLocation: sourceLocation) {
            try decode()
        } throws: { error in
            guard case LLMError.invalidRequest(let details) = error else { return false }
            return details.status == 400 && details.message.hasPrefix(message)
        }
    }
}
