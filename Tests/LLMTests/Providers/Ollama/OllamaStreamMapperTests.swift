import Foundation
import Testing

@testable import LLM

/// The chunk-level mapping, for cases a realistic transcript cannot reach through `complete` and `stream`
/// (a reply without content is retried there as empty).
@Suite struct OllamaStreamMapperTests {
    func chunk(_ json: String) throws -> OllamaChatChunk {
        try OllamaChatChunk.parse(json)
    }

    @Test(arguments: [
        (String?.none, false, StopReason.endTurn), ("stop", false, .endTurn), ("stop", true, .toolCalls),
        ("length", false, .maxTokens), ("length", true, .maxTokens), ("load", false, .other("load")),
        ("unload", false, .other("unload")),
    ])
    func doneReasons(raw: String?, calledTools: Bool, expected: StopReason) {
        #expect(OllamaStreamMapper.stopReason(raw, calledTools: calledTools) == expected)
    }

    @Test func loadReplyFinishesWithOtherAndNoContent() throws {
        var mapper = OllamaStreamMapper(provider: "ollama")
        let events = try mapper.map(chunk(#"{"model":"llama3.2","created_at":"2024-09-12T21:17:29.110811Z","message":{"role":"assistant","content":""},"done_reason":"load","done":true}"#))
        #expect(mapper.sawDone)
        #expect(events + mapper.finish() == [
            .start(id: nil, model: "llama3.2"),
            .finish(stopReason: .other("load"), usage: Usage(), model: "llama3.2"),
        ])
    }

    @Test func repeatedFunctionIndexDoesNotMergeCalls() throws {
        var mapper = OllamaStreamMapper(provider: "ollama")
        _ = try mapper.map(chunk(#"{"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"a","arguments":{}}}]},"done":false}"#))
        let second = try mapper.map(chunk(#"{"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"b","arguments":{"x":1}}}]},"done":false}"#))
        #expect(second == [
            .toolCallStart(index: 1, id: "call_1", name: "b"),
            .toolCallDelta(index: 1, arguments: #"{"x":1}"#),
            .toolCall(index: 1, ToolCall(id: "call_1", name: "b", arguments: ["x": 1])),
        ])
    }

    @Test func stringArgumentsFromAProxyAreParsedAndNonObjectsRefused() throws {
        #expect(try OllamaStreamMapper.arguments(.string(#"{"city":"Oslo"}"#), toolName: "w") == ["city": "Oslo"])
        #expect(try OllamaStreamMapper.arguments(nil, toolName: "w") == [:])
        #expect(throws: LLMError.invalidToolArguments(toolName: "w", raw: "[1,2]", reason: "expected a JSON object")) {
            try OllamaStreamMapper.arguments([1, 2], toolName: "w")
        }
    }

    @Test(arguments: [
        ("model \"qwen9\" not found, try pulling it first", "model_not_found"),
        ("server busy, please try again.  maximum pending requests exceeded", "overloaded"),
        ("you (ada) have reached your session usage limit, upgrade for higher limits", "rate_limited"),
        ("unauthorized", "authentication"),
        ("this model requires a subscription, upgrade for access: https://ollama.com/upgrade", "permission_denied"),
        ("the input length exceeds the context length", "context_length_exceeded"),
        ("\"llama3.2\" does not support thinking", "invalid_request"),
        ("an error was encountered while running the model: unexpected EOF", "server_error"),
    ])
    func errorLinesWithoutStatusAreClassifiedByText(message: String, kind: String) throws {
        var mapper = OllamaStreamMapper(provider: "ollama")
        let line = try chunk(JSONValue.object(["error": .string(message)]).jsonString)
        #expect(throws: LLMError.self) { try mapper.map(line) }
        do {
            _ = try mapper.map(line)
        } catch {
            #expect(error.kind == kind)
            #expect(error.details?.message == message)
        }
    }

    @Test func proxyErrorObjectIsRead() throws {
        var mapper = OllamaStreamMapper(provider: "ollama")
        let line = try chunk(#"{"error":{"message":"upstream timed out"}}"#)
        do {
            _ = try mapper.map(line)
            Issue.record("expected an error")
        } catch {
            #expect(error == .serverError(ProviderErrorDetails(provider: "ollama", message: "upstream timed out")))
        }
    }
}
