import Foundation

@testable import LLM

// The Codable copies of the provider wire types: the test oracle of the hand-written readers the library decodes
// replies with (`WireDecodingEquivalenceTests`). The library no longer decodes provider replies with Codable; these
// are the shapes as they were, with the leniency their `init(from:)` had, so both readings can be compared.
enum WireOracle {
    // MARK: OpenAI
    // What OpenAI's Chat Completions API (and the servers that copy it) send back. Everything is optional:
    // real OpenAI-compatible servers omit `created`, `usage`, `index`, `id` and more.

    struct OpenAIChatCompletion: Decodable {
        var id: String?
        var model: String?
        var choices: [Choice]?
        var usage: OpenAIUsage?

        struct Choice: Decodable {
            var message: OpenAIAssistantMessage?
            var finish_reason: String?
        }
    }

    struct OpenAIAssistantMessage: Decodable {
        var content: String?
        var refusal: String?
        /// DeepSeek, vLLM and llama.cpp put reasoning here.
        var reasoning_content: String?
        /// OpenRouter and some gateways put reasoning here.
        var reasoning: String?
        var tool_calls: [OpenAIWireToolCall]?
    }

    struct OpenAIChatChunk: Decodable {
        var id: String?
        var model: String?
        var choices: [Choice]?
        var usage: OpenAIUsage?
        var error: OpenAIErrorBody?

        struct Choice: Decodable {
            var delta: OpenAIAssistantMessage?
            var finish_reason: String?
        }
    }

    struct OpenAIWireToolCall: Decodable {
        var index: Int?
        var id: String?
        var function: Function?

        struct Function: Decodable {
            var name: String?
            var arguments: String?

            enum CodingKeys: String, CodingKey { case name, arguments }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                name = try container.decodeIfPresent(String.self, forKey: .name)
                // Arguments are a JSON string by the spec; some servers send the object itself.
                if let text = try? container.decodeIfPresent(String.self, forKey: .arguments) {
                    arguments = text
                } else if let object = try? container.decodeIfPresent(JSONValue.self, forKey: .arguments) {
                    arguments = object.jsonString
                }
            }
        }
    }

    struct OpenAIUsage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
        var prompt_tokens_details: PromptDetails?
        var completion_tokens_details: CompletionDetails?

        struct PromptDetails: Decodable {
            var cached_tokens: Int?
        }

        struct CompletionDetails: Decodable {
            var reasoning_tokens: Int?
        }

        var usage: Usage {
            Usage(
                inputTokens: prompt_tokens ?? 0, outputTokens: completion_tokens ?? 0,
                cacheReadTokens: prompt_tokens_details?.cached_tokens ?? 0,
                reasoningTokens: completion_tokens_details?.reasoning_tokens ?? 0)
        }
    }

    /// `{"error": {...}}` or, from some servers, `{"error": "text"}`.
    struct OpenAIErrorEnvelope: Decodable {
        var error: OpenAIErrorBody?
        var message: String?
    }

    struct OpenAIErrorBody: Decodable {
        var message: String?
        var type: String?
        var code: String?
        var param: String?

        enum CodingKeys: String, CodingKey { case message, type, code, param }

        init(message: String? = nil, type: String? = nil, code: String? = nil, param: String? = nil) {
            self.message = message
            self.type = type
            self.code = code
            self.param = param
        }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                message = text
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            param = try? container.decodeIfPresent(String.self, forKey: .param)
            // `code` is a string at OpenAI and a number at llama.cpp.
            if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
                code = text
            } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            }
        }
    }

    struct OpenAIModelList: Decodable {
        var data: [Model]?

        struct Model: Decodable {
            var id: String
            var owned_by: String?
        }
    }

    // MARK: Anthropic
    // What Anthropic's Messages API sends back, decoded leniently (every field optional).

    struct AnthropicMessage: Decodable {
        var id: String?
        var model: String?
        var content: [AnthropicContentBlock]?
        var stop_reason: String?
        var usage: AnthropicUsage?
    }

    struct AnthropicContentBlock: Decodable {
        var type: String
        var text: String?
        // tool_use
        var id: String?
        var name: String?
        var input: JSONValue?
        // thinking
        var thinking: String?
        var signature: String?
        // redacted_thinking
        var data: String?
    }

    struct AnthropicUsage: Decodable {
        var input_tokens: Int?
        var output_tokens: Int?
        var cache_creation_input_tokens: Int?
        var cache_read_input_tokens: Int?

        /// Anthropic's `input_tokens` excludes cached tokens; ``Usage`` counts all input (see its doc).
        var usage: Usage {
            let cacheWrite = cache_creation_input_tokens ?? 0
            let cacheRead = cache_read_input_tokens ?? 0
            return Usage(
                inputTokens: (input_tokens ?? 0) + cacheWrite + cacheRead, outputTokens: output_tokens ?? 0,
                cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite)
        }

        /// A later usage report (message_delta) updates only the fields it carries.
        mutating func merge(_ later: AnthropicUsage) {
            input_tokens = later.input_tokens ?? input_tokens
            output_tokens = later.output_tokens ?? output_tokens
            cache_creation_input_tokens = later.cache_creation_input_tokens ?? cache_creation_input_tokens
            cache_read_input_tokens = later.cache_read_input_tokens ?? cache_read_input_tokens
        }
    }

    /// One server-sent event's JSON; `type` says which fields are present.
    struct AnthropicStreamEvent: Decodable {
        var type: String
        var message: AnthropicMessage?
        var index: Int?
        var content_block: AnthropicContentBlock?
        var delta: Delta?
        var usage: AnthropicUsage?
        var error: AnthropicErrorBody?

        struct Delta: Decodable {
            var type: String?
            var text: String?
            var partial_json: String?
            var thinking: String?
            var signature: String?
            var stop_reason: String?
        }
    }

    /// `{"type": "error", "error": {"type": "overloaded_error", "message": "..."}}`
    struct AnthropicErrorEnvelope: Decodable {
        var error: AnthropicErrorBody?
    }

    struct AnthropicErrorBody: Decodable {
        var type: String?
        var message: String?
    }

    struct AnthropicTokenCount: Decodable {
        var input_tokens: Int
    }

    struct AnthropicModelList: Decodable {
        var data: [Model]?

        struct Model: Decodable {
            var id: String
            var display_name: String?
        }
    }

    // MARK: Gemini
    // What the Gemini API (generativelanguage.googleapis.com/v1beta) sends back, decoded leniently: every
    // field optional. The same `GenerateContentResponse` is the whole reply of `generateContent` and each
    // event of `streamGenerateContent?alt=sse`.

    struct GeminiResponse: Decodable {
        var candidates: [GeminiCandidate]?
        var promptFeedback: GeminiPromptFeedback?
        var usageMetadata: GeminiUsage?
        var modelVersion: String?
        var responseId: String?
        /// An error reported inside a stream (`data: {"error": {...}}`).
        var error: GeminiErrorBody?
    }

    struct GeminiCandidate: Decodable {
        var content: GeminiContent?
        var finishReason: String?
        var finishMessage: String?
        var index: Int?
    }

    struct GeminiContent: Decodable {
        var role: String?
        var parts: [GeminiPart]?
    }

    struct GeminiPart: Decodable {
        var text: String?
        /// True when `text` is a thought (summary) rather than part of the answer.
        var thought: Bool?
        /// Opaque, base64; must go back unchanged on the same part of the next request.
        var thoughtSignature: String?
        var functionCall: GeminiFunctionCall?
    }

    struct GeminiFunctionCall: Decodable {
        var id: String?
        var name: String?
        /// A JSON object (protobuf `Struct`).
        var args: JSONValue?
    }

    struct GeminiPromptFeedback: Decodable {
        var blockReason: String?
        var blockReasonMessage: String?
    }

    struct GeminiUsage: Decodable {
        var promptTokenCount: Int?
        var cachedContentTokenCount: Int?
        var candidatesTokenCount: Int?
        var toolUsePromptTokenCount: Int?
        var thoughtsTokenCount: Int?
        var totalTokenCount: Int?

        /// Gemini counts thoughts apart from the candidates, while ``Usage/outputTokens`` includes reasoning;
        /// `promptTokenCount` already includes the cached tokens; results of Gemini's own tools are input too.
        var usage: Usage {
            let thoughts = thoughtsTokenCount ?? 0
            return Usage(
                inputTokens: (promptTokenCount ?? 0) + (toolUsePromptTokenCount ?? 0),
                outputTokens: (candidatesTokenCount ?? 0) + thoughts,
                cacheReadTokens: cachedContentTokenCount ?? 0, reasoningTokens: thoughts)
        }
    }

    /// `{"error": {...}}`, or that object wrapped in an array (as some Google front ends send it).
    struct GeminiErrorEnvelope: Decodable {
        var error: GeminiErrorBody?

        private enum CodingKeys: String, CodingKey { case error }

        init(from decoder: any Decoder) throws {
            if var list = try? decoder.unkeyedContainer() {
                error = try list.decode(GeminiErrorEnvelope.self).error
                return
            }
            error = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(GeminiErrorBody.self, forKey: .error)
        }
    }

    /// A `google.rpc.Status`: `{"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED", "details": [...]}`.
    struct GeminiErrorBody: Decodable {
        var code: Int?
        var message: String?
        var status: String?
        var details: [Detail]?

        struct Detail: Decodable {
            var type: String?
            /// `google.rpc.ErrorInfo`, e.g. `API_KEY_INVALID`.
            var reason: String?
            /// `google.rpc.RetryInfo`, a protobuf duration such as `"7s"` or `"1.5s"`.
            var retryDelay: String?

            private enum CodingKeys: String, CodingKey {
                case type = "@type"
                case reason, retryDelay
            }
        }

        /// The delay a `RetryInfo` detail asks for.
        var retryDelay: Duration? {
            details?.lazy.compactMap { $0.retryDelay.flatMap(GeminiErrorBody.duration) }.first
        }

        var reasons: [String] { details?.compactMap(\.reason) ?? [] }

        /// Parses a protobuf JSON duration: decimal seconds followed by `s`.
        static func duration(_ text: String) -> Duration? {
            var text = text.trimmingWhitespace()
            guard text.hasSuffix("s") else { return nil }
            text.removeLast()
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
            return RetryAfter.delay(milliseconds: seconds * 1000)
        }
    }

    struct GeminiModelList: Decodable {
        var models: [Model]?
        var nextPageToken: String?

        struct Model: Decodable {
            /// `models/gemini-2.5-flash`.
            var name: String
            var displayName: String?
        }
    }

    /// The answer of `countTokens`.
    struct GeminiTokenCount: Decodable {
        var totalTokens: Int?
    }

    // MARK: Ollama
    // What Ollama's native API (`/api/chat`, `/api/tags`) sends back, decoded leniently: every field is
    // optional, because older servers omit `done_reason`, tool-call ids and `function.index`.

    /// One line of a streamed `/api/chat` reply, or the whole non-streamed reply (the same shape with
    /// `done: true`). An error line inside a stream carries `error` (and sometimes `status`) instead.
    struct OllamaChatChunk: Decodable {
        var model: String?
        var created_at: String?
        var message: OllamaWireMessage?
        var done: Bool?
        /// `"stop"`, `"length"`, `"load"`, `"unload"`; absent before Ollama 0.3.
        var done_reason: String?
        // Durations are nanoseconds; kept for completeness, not mapped.
        var total_duration: Int?
        var load_duration: Int?
        var prompt_eval_count: Int?
        var prompt_eval_duration: Int?
        var eval_count: Int?
        var eval_duration: Int?
        var error: OllamaErrorText?
        /// The HTTP status of an error reported inside a stream, when the server knows one.
        var status: Int?
    }

    struct OllamaWireMessage: Decodable {
        var role: String?
        var content: String?
        /// The model's reasoning, when the request asked for `think` (or the model thinks by default).
        var thinking: String?
        var tool_calls: [OllamaWireToolCall]?
    }

    struct OllamaWireToolCall: Decodable {
        /// `call_` plus 8 characters in current servers; absent in older ones.
        var id: String?
        var function: Function?

        struct Function: Decodable {
            var index: Int?
            var name: String?
            /// A JSON object (not a string, unlike OpenAI). Kept as a value so a proxy's string still parses.
            var arguments: JSONValue?
        }
    }

    /// Ollama sends `"error": "text"`; proxies in front of it sometimes send `"error": {"message": "text"}`.
    struct OllamaErrorText: Decodable {
        var message: String?

        private enum CodingKeys: String, CodingKey { case message }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                message = text
                return
            }
            message = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .message)
        }
    }

    /// The body of an error response: `{"error": "model \"x\" not found, try pulling it first"}`.
    struct OllamaErrorEnvelope: Decodable {
        var error: OllamaErrorText?
    }

    /// `GET /api/tags`.
    struct OllamaModelList: Decodable {
        var models: [Model]?

        struct Model: Decodable {
            var name: String?
            var model: String?
            var modified_at: String?
            var size: Int?
            var digest: String?
        }
    }

    // MARK: OpenAIResponses
    // What OpenAI's Responses API (`POST /responses`) sends back, decoded leniently: every field is optional,
    // because compatible servers (llama.cpp, gateways) leave out `output_index`, `sequence_number`, `model`,
    // `*_details` and more.

    /// A whole Response object: the non-streamed body, and the `response` of `response.*` lifecycle events.
    struct OpenAIResponsesObject: Decodable {
        var id: String?
        var model: String?
        /// `completed`, `incomplete`, `failed`, `in_progress`, `queued` or `cancelled`.
        var status: String?
        var output: [OpenAIResponsesOutputItem]?
        var usage: OpenAIResponsesUsage?
        /// `{code, message, type, param}`, read as Chat Completions' error is (text or an object, lenient fields).
        var error: OpenAIErrorBody?
        var incomplete_details: IncompleteDetails?

        struct IncompleteDetails: Decodable {
            /// `max_output_tokens` or `content_filter`.
            var reason: String?
        }
    }

    /// One item of a Response's `output`: a `message`, a `function_call` or a `reasoning` item (other types,
    /// such as built-in tool calls, are decoded and ignored).
    struct OpenAIResponsesOutputItem: Decodable {
        var type: String?
        var id: String?
        var status: String?
        // message (content: output_text / refusal parts); reasoning (content: reasoning_text parts)
        var role: String?
        var content: [Part]?
        // function_call
        var call_id: String?
        var name: String?
        var arguments: String?
        // reasoning
        var summary: [Part]?
        var encrypted_content: String?
        /// The item exactly as it came, so a reasoning item can be sent back unchanged on the next turn.
        var raw: JSONValue?

        struct Part: Decodable {
            var type: String?
            var text: String?
            var refusal: String?
        }

        enum CodingKeys: String, CodingKey {
            case type, id, status, role, content, call_id, name, arguments, summary, encrypted_content
        }

        init(
            type: String?, id: String?, status: String?, role: String?, content: [Part]?, call_id: String?,
            name: String?, arguments: String?, summary: [Part]?, encrypted_content: String?, raw: JSONValue?
        ) {
            self.type = type
            self.id = id
            self.status = status
            self.role = role
            self.content = content
            self.call_id = call_id
            self.name = name
            self.arguments = arguments
            self.summary = summary
            self.encrypted_content = encrypted_content
            self.raw = raw
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            id = try? container.decodeIfPresent(String.self, forKey: .id)
            status = try? container.decodeIfPresent(String.self, forKey: .status)
            role = try? container.decodeIfPresent(String.self, forKey: .role)
            content = try? container.decodeIfPresent([Part].self, forKey: .content)
            call_id = try? container.decodeIfPresent(String.self, forKey: .call_id)
            name = try? container.decodeIfPresent(String.self, forKey: .name)
            // Arguments are a JSON string by the spec; be lenient with servers that send the object itself.
            if let text = try? container.decodeIfPresent(String.self, forKey: .arguments) {
                arguments = text
            } else if let object = try? container.decodeIfPresent(JSONValue.self, forKey: .arguments) {
                arguments = object.jsonString
            }
            summary = try? container.decodeIfPresent([Part].self, forKey: .summary)
            encrypted_content = try? container.decodeIfPresent(String.self, forKey: .encrypted_content)
            raw = try? JSONValue(from: decoder)
        }

        /// The visible text of a message item: its `output_text` parts, and any refusal, joined.
        var messageText: String {
            (content ?? []).map { $0.text ?? $0.refusal ?? "" }.joined()
        }

        /// The readable reasoning of a reasoning item: its summary, or (llama.cpp, gpt-oss) its `reasoning_text`.
        var reasoningText: String {
            let summaries = (summary ?? []).compactMap(\.text).filter { !$0.isEmpty }
            if !summaries.isEmpty { return summaries.joined(separator: "\n\n") }
            return (content ?? []).compactMap(\.text).joined()
        }
    }

    struct OpenAIResponsesUsage: Decodable {
        var input_tokens: Int?
        var output_tokens: Int?
        var input_tokens_details: InputDetails?
        var output_tokens_details: OutputDetails?

        struct InputDetails: Decodable {
            var cached_tokens: Int?
        }

        struct OutputDetails: Decodable {
            var reasoning_tokens: Int?
        }

        /// `input_tokens` already counts cached tokens, and `output_tokens` reasoning tokens (as ``Usage`` wants).
        var usage: Usage {
            Usage(
                inputTokens: input_tokens ?? 0, outputTokens: output_tokens ?? 0,
                cacheReadTokens: input_tokens_details?.cached_tokens ?? 0,
                reasoningTokens: output_tokens_details?.reasoning_tokens ?? 0)
        }
    }

    /// One server-sent event's JSON; `type` (e.g. `response.output_text.delta`) says which fields are present.
    struct OpenAIResponsesStreamEvent: Decodable {
        var type: String?
        var response: OpenAIResponsesObject?
        var item: OpenAIResponsesOutputItem?
        var output_index: Int?
        var item_id: String?
        var content_index: Int?
        var summary_index: Int?
        var delta: String?
        var text: String?
        var arguments: String?
        // `error` events carry the error's fields at the top level; some servers nest them under `error`.
        var code: String?
        var message: String?
        var param: String?
        var error: OpenAIErrorBody?

        enum CodingKeys: String, CodingKey {
            case type, response, item, output_index, item_id, content_index, summary_index, delta, text, arguments
            case code, message, param, error
        }

        init(
            type: String?, response: OpenAIResponsesObject? = nil, item: OpenAIResponsesOutputItem? = nil,
            output_index: Int? = nil, item_id: String? = nil, content_index: Int? = nil, summary_index: Int? = nil,
            delta: String? = nil, text: String? = nil, arguments: String? = nil, code: String? = nil,
            message: String? = nil, param: String? = nil, error: OpenAIErrorBody? = nil
        ) {
            self.type = type
            self.response = response
            self.item = item
            self.output_index = output_index
            self.item_id = item_id
            self.content_index = content_index
            self.summary_index = summary_index
            self.delta = delta
            self.text = text
            self.arguments = arguments
            self.code = code
            self.message = message
            self.param = param
            self.error = error
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            response = try container.decodeIfPresent(OpenAIResponsesObject.self, forKey: .response)
            item = try container.decodeIfPresent(OpenAIResponsesOutputItem.self, forKey: .item)
            output_index = try? container.decodeIfPresent(Int.self, forKey: .output_index)
            item_id = try? container.decodeIfPresent(String.self, forKey: .item_id)
            content_index = try? container.decodeIfPresent(Int.self, forKey: .content_index)
            summary_index = try? container.decodeIfPresent(Int.self, forKey: .summary_index)
            delta = try? container.decodeIfPresent(String.self, forKey: .delta)
            text = try? container.decodeIfPresent(String.self, forKey: .text)
            arguments = try? container.decodeIfPresent(String.self, forKey: .arguments)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            param = try? container.decodeIfPresent(String.self, forKey: .param)
            if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
                code = text
            } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            }
            error = try? container.decodeIfPresent(OpenAIErrorBody.self, forKey: .error)
        }
    }

}
