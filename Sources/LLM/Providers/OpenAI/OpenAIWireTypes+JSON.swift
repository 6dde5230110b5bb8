// The stream chunk and the reply read by hand (see `JSONWireDecodable`); same fields as the Codable shapes.

extension OpenAIChatChunk: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            id: try json.string("id"),
            model: try json.string("model"),
            choices: try json.decodeArray("choices"),
            usage: try json.decode("usage"),
            error: try OpenAIErrorBody(errorField: json.node("error")))
    }
}

extension OpenAIChatChunk.Choice: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            delta: try json.decode("delta"),
            finish_reason: try json.string("finish_reason"))
    }
}

extension OpenAIChatCompletion: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            id: try json.string("id"),
            model: try json.string("model"),
            choices: try json.decodeArray("choices"),
            usage: try json.decode("usage"))
    }
}

extension OpenAIChatCompletion.Choice: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            message: try json.decode("message"),
            finish_reason: try json.string("finish_reason"))
    }
}

extension OpenAIAssistantMessage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            content: try json.string("content"),
            refusal: try json.string("refusal"),
            reasoning_content: try json.string("reasoning_content"),
            reasoning: try json.string("reasoning"),
            tool_calls: try json.decodeArray("tool_calls"))
    }
}

extension OpenAIWireToolCall: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            index: try json.int("index"),
            id: try json.string("id"),
            function: try json.decode("function"))
    }
}

extension OpenAIWireToolCall.Function: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        name = try json.string("name")
        // Arguments are a JSON string by the spec; some servers send the object itself.
        switch json.value("arguments") {
        case .string(let text)?: arguments = text
        case let value?: arguments = value.jsonString
        case nil: arguments = nil
        }
    }
}

extension OpenAIUsage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            prompt_tokens: try json.int("prompt_tokens"),
            completion_tokens: try json.int("completion_tokens"),
            prompt_tokens_details: try json.decode("prompt_tokens_details"),
            completion_tokens_details: try json.decode("completion_tokens_details"))
    }
}

extension OpenAIUsage.PromptDetails: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(cached_tokens: try json.int("cached_tokens"))
    }
}

extension OpenAIUsage.CompletionDetails: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(reasoning_tokens: try json.int("reasoning_tokens"))
    }
}

extension OpenAIErrorBody: JSONWireDecodable {
    /// `"error": {...}`, or from some servers `"error": "text"`.
    init?(errorField node: JSONElement?) throws(JSONShapeError) {
        guard let node else { return nil }
        if let text = node.string {
            self.init(message: text)
        } else {
            try self.init(json: JSONFields(node, field: "error"))
        }
    }

    /// Lenient like its `Decodable` form: a bare string is the message, and fields of odd types are skipped.
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            message: try? json.string("message"),
            type: try? json.string("type"),
            // `code` is a string at OpenAI and a number at llama.cpp.
            code: json.textOrInteger("code"),
            param: try? json.string("param"))
    }
}

extension OpenAIErrorEnvelope: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(error: try OpenAIErrorBody(errorField: json.node("error")), message: try? json.string("message"))
    }
}

extension OpenAIModelList: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(data: try json.decodeArray("data"))
    }
}

extension OpenAIModelList.Model: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(id: try json.requiredString("id"), owned_by: try json.string("owned_by"))
    }
}
