import Foundation
import LLM
import Testing

/// The client wire formats, as `Clients/matrix_client.py` names them.
enum MatrixClient: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case openAIChat = "openai-chat"
    case openAIResponses = "openai-responses"
    case anthropic
    case gemini
    case ollama

    var testDescription: String { rawValue }

    /// Whether the format has a place for cached input tokens, reasoning tokens and reasoning signatures.
    var carriesCachedTokens: Bool { self != .ollama }
    var carriesReasoningTokens: Bool { self == .openAIChat || self == .openAIResponses || self == .gemini }
    var carriesSignatures: Bool { self == .anthropic || self == .gemini || self == .openAIResponses }
}

/// What the matrix asks of every client format x backend pair: the conformance suite's scenarios (the backends answer
/// with its recordings), the three upstream errors and an error in the middle of a stream.
enum MatrixScenario: String, CaseIterable, Sendable {
    case plainText = "plain-text"
    case streamedText = "streamed-text"
    case toolCall = "tool-call"
    case parallelToolCalls = "parallel-tool-calls"
    case toolResultReply = "tool-result-reply"
    case jsonSchema = "json-schema"
    case reasoning
    case usage
    case image
    case stopLength = "stop-length"
    case authenticationError = "error-authentication"
    case rateLimitError = "error-rate_limited"
    case contextLengthError = "error-context_length_exceeded"
    case midStreamError = "mid-stream-error"

    /// The picture the image scenario sends (`Clients/matrix_client.py`'s `PNG_BASE64`).
    static let pngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

    /// The backend answers with a stream (the client asks for one).
    var streamed: Bool { [.streamedText, .parallelToolCalls, .reasoning, .midStreamError].contains(self) }

    /// Checks what the client got (`Clients/matrix_client.py`'s normalized result) for this scenario.
    func check(_ result: JSONValue, client: MatrixClient, backend: MatrixBackend, upstream: [String]) {
        let pair = "\(client.rawValue) client, \(backend.rawValue) backend, \(rawValue): \(result.jsonString)"
        #expect(result["crash"] == nil, "\(pair)")
        let usage = result["usage"]
        switch self {
        case .plainText, .streamedText:
            #expect(result["text"] == "Hello there.", "\(pair)")
            #expect(result["stop"] == "end", "\(pair)")
            #expect(usage?["input"] == 12, "\(pair)")
            #expect(usage?["output"] == 3, "\(pair)")
            #expect(result["model"] == .string(ScriptedBackends.alias(backend, self)), "clients see the alias: \(pair)")
            #expect(upstream.contains { $0.contains("Say hello.") }, "\(pair)")
        case .toolCall:
            #expect(calls(result) == [["get_weather": ["city": "Paris"]]], "\(pair)")
            #expect(result["stop"] == "tool", "\(pair)")
            #expect(upstream.contains { $0.contains("get_weather") && $0.contains("city") }, "the tool and its schema went upstream: \(pair)")
        case .parallelToolCalls:
            #expect(calls(result) == [["get_weather": ["city": "Paris"]], ["get_weather": ["city": "Oslo"]]], "\(pair)")
            // The ollama SDK keeps no call ids (its format matches results to calls by order and name).
            if client != .ollama {
                let ids = result["calls"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                #expect(Set(ids).count == 2 && !ids.contains(""), "each call has its own id: \(pair)")
            }
            #expect(result["stop"] == "tool", "\(pair)")
        case .toolResultReply:
            #expect(result["text"] == "It is 21 degrees and sunny in Paris.", "\(pair)")
            #expect(upstream.contains { $0.contains("21 degrees and sunny") && $0.contains("Paris") }, "the tool turn went upstream: \(pair)")
        case .jsonSchema:
            let parsed = result["text"]?.stringValue.flatMap { try? JSONValue(parsing: $0) }
            #expect(parsed == ["name": "Ada", "age": 36], "\(pair)")
            #expect(upstream.contains { $0.contains("\"age\"") && !$0.contains("Respond with JSON") }, "the schema went upstream natively: \(pair)")
        case .reasoning:
            #expect(result["text"] == "42", "\(pair)")
            #expect(result["reasoning"] == "Let me think.", "\(pair)")
            #expect(upstream.contains { $0.contains(backend.reasoningMember) }, "reasoning was asked for upstream: \(pair)")
            if client.carriesSignatures && backend.capabilities.contains(.reasoningSignatures) {
                #expect(signature(result, client: client)?.contains("sig-abc") == true, "the signature reached the client: \(pair)")
            }
        case .usage:
            let capabilities = backend.capabilities
            #expect(result["text"] == "ok", "\(pair)")
            #expect(usage?["input"] == 100, "\(pair)")
            #expect(usage?["output"] == 20, "\(pair)")
            let cached = client.carriesCachedTokens && capabilities.contains(.cacheReadTokens) ? 40 : 0
            #expect(usage?["cached"] == .int(cached), "\(pair)")
            let reasoning = client.carriesReasoningTokens && capabilities.contains(.reasoningTokens) ? 8 : 0
            #expect(usage?["reasoning"] == .int(reasoning), "\(pair)")
        case .image:
            #expect(result["text"] == "Hello there.", "\(pair)")
            // The picture reached the backend as the client sent it, in standard base64 whatever the formats.
            #expect(upstream.contains { $0.contains(Self.pngBase64) }, "the image went upstream: \(pair)")
        case .stopLength:
            #expect(result["text"] == "Once upon a", "\(pair)")
            #expect(result["stop"] == "length", "\(pair)")
        case .authenticationError:
            #expect(result["error"]?["status"] == 401, "\(pair)")
        case .rateLimitError:
            #expect(result["error"]?["status"] == 429, "\(pair)")
            if client != .gemini && client != .ollama {  // those SDKs' errors keep no headers
                #expect(result["error"]?["retry_after"] == "7", "Retry-After reached the client: \(pair)")
            }
        case .contextLengthError:
            #expect(result["error"]?["status"] == 400, "\(pair)")
        case .midStreamError:
            #expect(result["text"] == .string(backend.midStreamFailure.text), "the text before the break arrived: \(pair)")
            #expect(result["error"] != nil && result["error"] != .null, "the break is an error, not a finished reply: \(pair)")
        }
        if !rawValue.hasPrefix("error-") && self != .midStreamError {
            #expect(result["error"] == nil || result["error"] == .null, "\(pair)")
        }
    }

    /// The signature the client holds; Gemini's SDK holds bytes, which the client script reports in URL-safe base64.
    private func signature(_ result: JSONValue, client: MatrixClient) -> String? {
        guard let text = result["signature"]?.stringValue else { return nil }
        guard client == .gemini else { return text }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The calls as `[name: arguments]`, in order.
    private func calls(_ result: JSONValue) -> [JSONValue] {
        (result["calls"]?.arrayValue ?? []).map { call in
            .object([call["name"]?.stringValue ?? "": call["arguments"] ?? .null])
        }
    }
}
