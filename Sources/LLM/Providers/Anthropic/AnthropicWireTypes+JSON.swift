// The stream events read by hand (see `JSONWireDecodable`); same fields as the Codable shapes.

extension AnthropicStreamEvent: JSONWireDecodable {
    /// The event types the API documents, most frequent first.
    private static let knownTypes = [
        "content_block_delta", "content_block_start", "content_block_stop", "message_delta", "message_start",
        "message_stop", "ping", "error",
    ]

    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try json.requiredString("type", usually: Self.knownTypes),
            message: try json.decode("message"),
            index: try json.int("index"),
            content_block: try json.decode("content_block"),
            delta: try json.decode("delta"),
            usage: try json.decode("usage"),
            error: try json.decode("error"))
    }
}

extension AnthropicStreamEvent.Delta: JSONWireDecodable {
    /// The delta types the API documents (`input_json_delta` is the one of over 15 bytes).
    private static let knownTypes = ["text_delta", "input_json_delta", "thinking_delta", "signature_delta"]

    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try json.string("type", usually: Self.knownTypes),
            text: try json.string("text"),
            partial_json: try json.string("partial_json"),
            thinking: try json.string("thinking"),
            signature: try json.string("signature"),
            stop_reason: try json.string("stop_reason"))
    }
}

extension AnthropicMessage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            id: try json.string("id"),
            model: try json.string("model"),
            content: try json.decodeArray("content"),
            stop_reason: try json.string("stop_reason"),
            usage: try json.decode("usage"))
    }
}

extension AnthropicContentBlock: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try json.requiredString("type"),
            text: try json.string("text"),
            id: try json.string("id"),
            name: try json.string("name"),
            input: json.value("input"),
            thinking: try json.string("thinking"),
            signature: try json.string("signature"),
            data: try json.string("data"))
    }
}

extension AnthropicUsage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            input_tokens: try json.int("input_tokens"),
            output_tokens: try json.int("output_tokens"),
            cache_creation_input_tokens: try json.int("cache_creation_input_tokens"),
            cache_read_input_tokens: try json.int("cache_read_input_tokens"))
    }
}

extension AnthropicErrorBody: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try json.string("type"),
            message: try json.string("message"))
    }
}

extension AnthropicErrorEnvelope: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(error: try json.decode("error"))
    }
}

extension AnthropicTokenCount: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        guard let tokens = try json.int("input_tokens") else { throw JSONShapeError(field: "input_tokens", expected: "present") }
        self.init(input_tokens: tokens)
    }
}

extension AnthropicModelList: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(data: try json.decodeArray("data"))
    }
}

extension AnthropicModelList.Model: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(id: try json.requiredString("id"), display_name: try json.string("display_name"))
    }
}
