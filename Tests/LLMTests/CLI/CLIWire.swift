import Foundation

/// OpenAI Chat Completions wire snippets for the stub server.
enum CLIWire {
    /// A streamed reply's events: one chunk per text piece, then `finish`, usage and `[DONE]`.
    static func stream(text pieces: [String], toolCall: (name: String, arguments: String)? = nil) -> [String] {
        var chunks: [String] = []
        func chunk(_ delta: String, finish: String? = nil) -> String {
            let reason = finish.map { "\"\($0)\"" } ?? "null"
            return #"{"id":"chatcmpl-stub","object":"chat.completion.chunk","model":"stub-model","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"#
        }
        chunks.append(chunk(#"{"role":"assistant","content":""}"#))
        for piece in pieces { chunks.append(chunk(#"{"content":\#(quoted(piece))}"#)) }
        if let toolCall {
            chunks.append(
                chunk(
                    #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":\#(quoted(toolCall.name)),"arguments":\#(quoted(toolCall.arguments))}}]}"#
                ))
        }
        chunks.append(chunk("{}", finish: toolCall == nil ? "stop" : "tool_calls"))
        chunks.append(
            #"{"id":"chatcmpl-stub","object":"chat.completion.chunk","model":"stub-model","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"#
        )
        return chunks.map { "data: \($0)" } + ["data: [DONE]"]
    }

    /// A non-streamed reply.
    static func completion(text: String) -> String {
        #"{"id":"chatcmpl-stub","object":"chat.completion","model":"stub-model","choices":[{"index":0,"message":{"role":"assistant","content":\#(quoted(text))},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"#
    }

    static func error(type: String, code: String?, message: String) -> String {
        let code = code.map(quoted) ?? "null"
        return #"{"error":{"message":\#(quoted(message)),"type":\#(quoted(type)),"param":null,"code":\#(code)}}"#
    }

    private static func quoted(_ text: String) -> String {
        let data = try! JSONEncoder().encode(text)
        return String(decoding: data, as: UTF8.self)
    }
}
