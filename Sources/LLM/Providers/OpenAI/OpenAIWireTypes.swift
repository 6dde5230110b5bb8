// What OpenAI's Chat Completions API (and the servers that copy it) send back. Everything is optional:
// real OpenAI-compatible servers omit `created`, `usage`, `index`, `id` and more.

struct OpenAIChatCompletion {
    var id: String?
    var model: String?
    var choices: [Choice]?
    var usage: OpenAIUsage?

    struct Choice {
        var message: OpenAIAssistantMessage?
        var finish_reason: String?
    }
}

struct OpenAIAssistantMessage {
    var content: String?
    var refusal: String?
    /// DeepSeek, vLLM and llama.cpp put reasoning here.
    var reasoning_content: String?
    /// OpenRouter and some gateways put reasoning here.
    var reasoning: String?
    var tool_calls: [OpenAIWireToolCall]?
}

struct OpenAIChatChunk {
    var id: String?
    var model: String?
    var choices: [Choice]?
    var usage: OpenAIUsage?
    var error: OpenAIErrorBody?

    struct Choice {
        var delta: OpenAIAssistantMessage?
        var finish_reason: String?
    }
}

struct OpenAIWireToolCall {
    var index: Int?
    var id: String?
    var function: Function?

    struct Function {
        var name: String?
        var arguments: String?
    }
}

struct OpenAIUsage {
    var prompt_tokens: Int?
    var completion_tokens: Int?
    var prompt_tokens_details: PromptDetails?
    var completion_tokens_details: CompletionDetails?

    struct PromptDetails {
        var cached_tokens: Int?
    }

    struct CompletionDetails {
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
struct OpenAIErrorEnvelope {
    var error: OpenAIErrorBody?
    var message: String?
}

struct OpenAIErrorBody {
    var message: String?
    var type: String?
    var code: String?
    var param: String?

    init(message: String? = nil, type: String? = nil, code: String? = nil, param: String? = nil) {
        self.message = message
        self.type = type
        self.code = code
        self.param = param
    }
}

struct OpenAIModelList {
    var data: [Model]?

    struct Model {
        var id: String
        var owned_by: String?
    }
}
