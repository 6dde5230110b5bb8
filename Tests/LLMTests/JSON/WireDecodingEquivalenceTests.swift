import Foundation
import Testing

@testable import LLM

/// The library reads provider replies by hand (`JSONWireDecodable`) only; the Codable copies of the same shapes
/// (`WireOracle`, in this target) are its oracle: both must read every recorded payload of every fixture alike, and
/// reject the same ones.
@Suite struct WireDecodingEquivalenceTests {
    @Test(arguments: payloads(in: ["conformance/openai", "openai"], extensions: ["stream", "sse"]))
    func openAIChunks(_ payload: Payload) throws {
        try expectSameReading(OpenAIChatChunk.self, WireOracle.OpenAIChatChunk.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/openai", "openai"], extensions: ["json"], skipping: "error"))
    func openAIReplies(_ payload: Payload) throws {
        try expectSameReading(OpenAIChatCompletion.self, WireOracle.OpenAIChatCompletion.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/anthropic", "anthropic"], extensions: ["stream", "sse"]))
    func anthropicEvents(_ payload: Payload) throws {
        try expectSameReading(AnthropicStreamEvent.self, WireOracle.AnthropicStreamEvent.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/anthropic", "anthropic"], extensions: ["json"], skipping: "error"))
    func anthropicReplies(_ payload: Payload) throws {
        try expectSameReading(AnthropicMessage.self, WireOracle.AnthropicMessage.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/gemini", "gemini"], extensions: ["json"], skipping: "error"))
    func geminiReplies(_ payload: Payload) throws {
        try expectSameReading(GeminiResponse.self, WireOracle.GeminiResponse.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/ollama", "ollama"], extensions: ["json"], skipping: "error"))
    func ollamaReplies(_ payload: Payload) throws {
        try expectSameReading(OllamaChatChunk.self, WireOracle.OllamaChatChunk.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/gemini", "gemini"], extensions: ["stream", "sse"]))
    func geminiEvents(_ payload: Payload) throws {
        try expectSameReading(GeminiResponse.self, WireOracle.GeminiResponse.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/ollama", "ollama"], extensions: ["stream", "ndjson"]))
    func ollamaLines(_ payload: Payload) throws {
        try expectSameReading(OllamaChatChunk.self, WireOracle.OllamaChatChunk.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/openai-responses", "openai-responses"], extensions: ["stream", "sse"]))
    func responsesEvents(_ payload: Payload) throws {
        try expectSameReading(OpenAIResponsesStreamEvent.self, WireOracle.OpenAIResponsesStreamEvent.self, payload)
    }

    @Test(arguments: payloads(in: ["conformance/openai-responses", "openai-responses"], extensions: ["json"], skipping: "error"))
    func responsesReplies(_ payload: Payload) throws {
        try expectSameReading(OpenAIResponsesObject.self, WireOracle.OpenAIResponsesObject.self, payload)
    }

    /// The Responses shapes skip some fields of an odd type and refuse others; both readers must draw that
    /// line in the same place.
    @Test(arguments: [
        #"{"type":5,"output_index":"one","delta":7,"code":429,"error":"overloaded","item_id":null}"#,
        #"{"type":"error","code":1.5,"message":["m"],"param":{},"error":12}"#,
        #"{"type":"error","error":{"code":"rate_limit","message":3,"type":"tokens"}}"#,
        #"{"type":"response.output_item.added","item":{"type":"function_call","arguments":{"a":[1,2.5,null]},"content":"x","summary":[{"text":1}],"name":false}}"#,
        #"{"type":"response.output_item.done","item":{"type":"message","content":[{"type":"output_text","text":"hi"}],"extra":{"k":true}}}"#,
        #"{"type":"response.output_item.done","item":"not an item"}"#,
        #"{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":"many"}}}"#,
        #"{"type":"response.completed","response":{"error":7}}"#,
        #"{"type":"response.completed","response":{"error":"failed","output":[]}}"#,
        #"{"type":"response.completed","response":{"output":[{"type":"message"}, 3]}}"#,
        #"{"type":"response.incomplete","response":{"incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":2.0}}}"#,
        #"{"type":"response.incomplete","response":{"incomplete_details":{"reason":9}}}"#,
    ])
    func responsesLeniencyIsTheSame(_ json: String) throws {
        try expectSameReading(OpenAIResponsesStreamEvent.self, WireOracle.OpenAIResponsesStreamEvent.self, Payload(file: "inline", number: 0, json: json))
    }

    @Test func responsesSkipOddFieldsButRefuseAnOddItemOrResponse() throws {
        let lenient = try OpenAIResponsesStreamEvent.parse(#"{"type":5,"output_index":"one","code":429,"error":"overloaded"}"#)
        #expect(lenient.type == nil)
        #expect(lenient.output_index == nil)
        #expect(lenient.code == "429")
        #expect(lenient.error?.message == "overloaded")
        let item = try #require(OpenAIResponsesStreamEvent.parse(#"{"item":{"type":"function_call","arguments":{"a":1},"x":null}}"#).item)
        #expect(item.arguments == #"{"a":1}"#)
        #expect(item.raw == ["type": "function_call", "arguments": ["a": 1], "x": nil])
        #expect(throws: JSONShapeError.self) { try OpenAIResponsesStreamEvent.parse(#"{"item":"not an item"}"#) }
        #expect(throws: JSONShapeError.self) { try OpenAIResponsesStreamEvent.parse(#"{"response":{"usage":{"input_tokens":"many"}}}"#) }
    }

    @Test(arguments: errorPayloads("openai") + errorPayloads("openai-responses"))
    func openAIErrorBodies(_ payload: Payload) throws {
        try expectSameReading(OpenAIErrorEnvelope.self, WireOracle.OpenAIErrorEnvelope.self, payload)
    }

    @Test(arguments: errorPayloads("anthropic"))
    func anthropicErrorBodies(_ payload: Payload) throws {
        try expectSameReading(AnthropicErrorEnvelope.self, WireOracle.AnthropicErrorEnvelope.self, payload)
    }

    @Test(arguments: errorPayloads("gemini"))
    func geminiErrorBodies(_ payload: Payload) throws {
        try expectSameReading(GeminiErrorEnvelope.self, WireOracle.GeminiErrorEnvelope.self, payload)
    }

    @Test(arguments: errorPayloads("ollama"))
    func ollamaErrorBodies(_ payload: Payload) throws {
        try expectSameReading(OllamaErrorEnvelope.self, WireOracle.OllamaErrorEnvelope.self, payload)
    }

    /// Some Google front ends wrap the error object in an array; servers copying OpenAI put the text in `error`.
    @Test func errorBodiesInTheirOddShapes() throws {
        let wrapped = #"[{"error": {"code": 429, "message": "slow", "status": "RESOURCE_EXHAUSTED"}}]"#
        #expect(GeminiErrorEnvelope.read(wrapped)?.error?.status == "RESOURCE_EXHAUSTED")
        #expect(try JSONDecoder().decode(WireOracle.GeminiErrorEnvelope.self, from: Data(wrapped.utf8)).error?.status == "RESOURCE_EXHAUSTED")
        #expect(GeminiErrorEnvelope.read("[]") == nil && GeminiErrorEnvelope.read("not json") == nil)
        #expect(try OpenAIErrorEnvelope.parse(#"{"error": "busy"}"#).error?.message == "busy")
        #expect(try OpenAIErrorEnvelope.parse(#"{"message": "flat"}"#).message == "flat")
        #expect(try OllamaErrorEnvelope.parse(#"{"error": {"message": "proxied"}}"#).error?.message == "proxied")
    }

    @Test func modelListsAndTokenCounts() throws {
        let openAI = #"{"object":"list","data":[{"id":"a","owned_by":"me"},{"id":"b"}]}"#
        try expectSameReading(OpenAIModelList.self, WireOracle.OpenAIModelList.self, Payload(file: "inline", number: 1, json: openAI))
        let gemini = #"{"models":[{"name":"models/g","displayName":"G"}],"nextPageToken":"t"}"#
        try expectSameReading(GeminiModelList.self, WireOracle.GeminiModelList.self, Payload(file: "inline", number: 2, json: gemini))
        let anthropic = #"{"data":[{"id":"claude","display_name":"Claude"}],"has_more":false}"#
        try expectSameReading(AnthropicModelList.self, WireOracle.AnthropicModelList.self, Payload(file: "inline", number: 3, json: anthropic))
        let ollama = #"{"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","size":2019393189,"digest":"a80c"}]}"#
        try expectSameReading(OllamaModelList.self, WireOracle.OllamaModelList.self, Payload(file: "inline", number: 4, json: ollama))
        try expectSameReading(AnthropicTokenCount.self, WireOracle.AnthropicTokenCount.self, Payload(file: "inline", number: 5, json: #"{"input_tokens":12}"#))
        try expectSameReading(GeminiTokenCount.self, WireOracle.GeminiTokenCount.self, Payload(file: "inline", number: 6, json: #"{"totalTokens":7}"#))
        for refused in [#"{"data":[{"owned_by":"x"}]}"#, #"{"data":"none"}"#] {
            try expectSameReading(OpenAIModelList.self, WireOracle.OpenAIModelList.self, Payload(file: "inline", number: 7, json: refused))
        }
    }

    @Test func everyProviderHasFixturePayloadsToCompare() {
        // The comparisons above are parameterised by the fixtures found: none found would pass silently.
        #expect(payloads(in: ["conformance/openai", "openai"], extensions: ["stream", "sse"]).count >= 30)
        #expect(payloads(in: ["conformance/openai", "openai"], extensions: ["json"], skipping: "error").count >= 5)
        #expect(payloads(in: ["conformance/anthropic", "anthropic"], extensions: ["stream", "sse"]).count >= 30)
        #expect(payloads(in: ["conformance/gemini", "gemini"], extensions: ["stream", "sse"]).count >= 15)
        #expect(payloads(in: ["conformance/ollama", "ollama"], extensions: ["stream", "ndjson"]).count >= 15)
        #expect(payloads(in: ["conformance/openai-responses", "openai-responses"], extensions: ["stream", "sse"]).count >= 30)
        #expect(payloads(in: ["conformance/openai-responses", "openai-responses"], extensions: ["json"], skipping: "error").count >= 5)
        for provider in ["anthropic", "gemini", "ollama"] {
            #expect(payloads(in: ["conformance/\(provider)", provider], extensions: ["json"], skipping: "error").count >= 5)
        }
        for provider in ["openai", "anthropic", "gemini", "ollama"] { #expect(errorPayloads(provider).count >= 5, "\(provider)") }
    }

    @Test func fieldsOfTheWrongTypeAreRejectedByBoth() throws {
        for json in [#"{"choices":"none"}"#, #"{"model":5}"#, #"{"usage":{"prompt_tokens":"many"}}"#] {
            #expect((try? JSONDecoder().decode(WireOracle.OpenAIChatChunk.self, from: Data(json.utf8))) == nil)
            #expect(throws: JSONShapeError.self) { try OpenAIChatChunk.parse(json) }
        }
        #expect(throws: JSONShapeError.self) { try AnthropicStreamEvent.parse(#"{"index":0}"#) }  // no `type`
    }

    @Test func anErrorFieldMayBeTextOrAnObject() throws {
        #expect(try OpenAIChatChunk.parse(#"{"error":"overloaded"}"#).error?.message == "overloaded")
        let body = try OpenAIChatChunk.parse(#"{"error":{"message":"m","code":429}}"#).error
        #expect(body?.message == "m")
        #expect(body?.code == "429")
        #expect(try OllamaChatChunk.parse(#"{"error":"model not found"}"#).error?.message == "model not found")
    }
}

/// One JSON payload of a fixture: an SSE `data:` field or an NDJSON line.
struct Payload: CustomTestStringConvertible, Sendable {
    var file: String
    var number: Int
    var json: String

    var testDescription: String { "\(file) #\(number)" }
}

/// The recorded error bodies of a provider (`conformance/<provider>/error-*.json`).
private func errorPayloads(_ provider: String) -> [Payload] {
    payloads(in: ["conformance/\(provider)"], extensions: ["json"]).filter { $0.file.contains("/error-") }
}

private func payloads(in folders: [String], extensions: Set<String>, skipping: String? = nil) -> [Payload] {
    guard let root = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else { return [] }
    var found: [Payload] = []
    for folder in folders {
        let directory = root.appendingPathComponent(folder)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where extensions.contains((file as NSString).pathExtension) {
            if let skipping, file.hasPrefix(skipping) { continue }
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else { continue }
            let name = folder + "/" + file
            if file.hasSuffix(".json") {
                found.append(Payload(file: name, number: 1, json: text))
                continue
            }
            for line in text.split(whereSeparator: \.isNewline) {
                var json = String(line)
                if json.hasPrefix("data:") {
                    json = String(json.dropFirst(5))
                    if json.hasPrefix(" ") { json.removeFirst() }
                } else if file.hasSuffix(".ndjson") || file.hasSuffix(".stream") && json.hasPrefix("{") {
                    // a JSON line
                } else {
                    continue
                }
                if json.isEmpty || json == "[DONE]" { continue }
                found.append(Payload(file: name, number: found.count + 1, json: json))
            }
        }
    }
    return found
}

private func expectSameReading<T: JSONWireDecodable, Oracle: Decodable>(_ type: T.Type, _ oracle: Oracle.Type, _ payload: Payload) throws {
    let byCodable = try? JSONDecoder().decode(Oracle.self, from: Data(payload.json.utf8))
    let byHand = try? T.parse(payload.json)
    #expect((byCodable == nil) == (byHand == nil), "one reader refused \(payload.json)")
    if let byCodable, let byHand {
        expectSameFields(byCodable, byHand, path: String(describing: T.self))
    }
}

/// Compares two values field by field (JSON values with `==`, the rest by their printed form).
private func expectSameFields(_ left: Any, _ right: Any, path: String) {
    if let left = left as? JSONValue, let right = right as? JSONValue {
        #expect(left == right, "\(path)")
        return
    }
    let leftMirror = Mirror(reflecting: left)
    let rightMirror = Mirror(reflecting: right)
    guard !leftMirror.children.isEmpty || !rightMirror.children.isEmpty else {
        #expect(String(describing: left) == String(describing: right), "\(path)")
        return
    }
    let leftChildren = Array(leftMirror.children)
    let rightChildren = Array(rightMirror.children)
    #expect(leftChildren.count == rightChildren.count, "\(path)")
    for (index, (leftChild, rightChild)) in zip(leftChildren, rightChildren).enumerated() {
        #expect(leftChild.label == rightChild.label, "\(path)")
        expectSameFields(leftChild.value, rightChild.value, path: path + "." + (leftChild.label ?? "\(index)"))
    }
}
