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
