import Foundation

/// The same Decodable shape as the library's internal `OpenAIChatChunk` (Sources/LLM/Providers/OpenAI/
/// OpenAIWireTypes.swift), decoded the same way (Foundation's JSONDecoder): the `json` layer uses it to
/// measure what JSON decoding alone costs per event.
struct OpenAIChunkMirror: Decodable {
    var id: String?
    var model: String?
    var choices: [Choice]?
    var usage: Usage?

    struct Choice: Decodable {
        var delta: Message?
        var finish_reason: String?
    }

    struct Message: Decodable {
        var content: String?
        var refusal: String?
        var reasoning_content: String?
        var reasoning: String?
        var tool_calls: [ToolCall]?
    }

    struct ToolCall: Decodable {
        var index: Int?
        var id: String?
        var function: Function?

        struct Function: Decodable {
            var name: String?
            var arguments: String?
        }
    }

    struct Usage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }
}
