// The stream line read by hand (see `JSONWireDecodable`); same fields as the Codable shapes.

extension OllamaChatChunk: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            model: try json.string("model"),
            created_at: try json.string("created_at"),
            message: try json.decode("message"),
            done: try json.bool("done"),
            done_reason: try json.string("done_reason"),
            total_duration: try json.int("total_duration"),
            load_duration: try json.int("load_duration"),
            prompt_eval_count: try json.int("prompt_eval_count"),
            prompt_eval_duration: try json.int("prompt_eval_duration"),
            eval_count: try json.int("eval_count"),
            eval_duration: try json.int("eval_duration"),
            error: OllamaErrorText(errorField: json.node("error")),
            status: try json.int("status"))
    }
}

extension OllamaWireMessage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            role: try json.string("role"),
            content: try json.string("content"),
            thinking: try json.string("thinking"),
            tool_calls: try json.decodeArray("tool_calls"))
    }
}

extension OllamaWireToolCall: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            id: try json.string("id"),
            function: try json.decode("function"))
    }
}

extension OllamaWireToolCall.Function: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            index: try json.int("index"),
            name: try json.string("name"),
            arguments: json.value("arguments"))
    }
}

extension OllamaErrorText {
    /// `"error": "text"` or `"error": {"message": "text"}`; anything else has no message.
    init?(errorField node: JSONElement?) {
        guard let node else { return nil }
        if let text = node.string {
            self.init(message: text)
        } else {
            self.init(message: try? JSONFields(node).string("message"))
        }
    }
}

extension OllamaErrorEnvelope: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(error: OllamaErrorText(errorField: json.node("error")))
    }
}

extension OllamaModelList: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(models: try json.decodeArray("models"))
    }
}

extension OllamaModelList.Model: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            name: try json.string("name"), model: try json.string("model"), modified_at: try json.string("modified_at"),
            size: try json.int("size"), digest: try json.string("digest"))
    }
}
