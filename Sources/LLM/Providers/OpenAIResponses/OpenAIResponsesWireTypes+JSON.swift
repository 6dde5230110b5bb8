// The stream event and the Response read by hand (see `JSONWireDecodable`); same fields and the same
// leniency as the Codable shapes: where those skip a field of an odd type (`try?`), so does this.

extension OpenAIResponsesStreamEvent: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try? json.string("type"),
            response: try json.decode("response"),
            item: try json.decode("item"),
            output_index: try? json.int("output_index"),
            item_id: try? json.string("item_id"),
            content_index: try? json.int("content_index"),
            summary_index: try? json.int("summary_index"),
            delta: try? json.string("delta"),
            text: try? json.string("text"),
            arguments: try? json.string("arguments"),
            code: json.textOrInteger("code"),
            message: try? json.string("message"),
            param: try? json.string("param"),
            error: try? OpenAIErrorBody(errorField: json.node("error")))
    }
}

extension OpenAIResponsesObject: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            id: try json.string("id"),
            model: try json.string("model"),
            status: try json.string("status"),
            output: try json.decodeArray("output"),
            usage: try json.decode("usage"),
            error: try OpenAIErrorBody(errorField: json.node("error")),
            incomplete_details: try json.decode("incomplete_details"))
    }
}

extension OpenAIResponsesObject.IncompleteDetails: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(reason: try json.string("reason"))
    }
}

extension OpenAIResponsesOutputItem: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try? json.string("type"),
            id: try? json.string("id"),
            status: try? json.string("status"),
            role: try? json.string("role"),
            content: try? json.decodeArray("content"),
            call_id: try? json.string("call_id"),
            name: try? json.string("name"),
            // Arguments are a JSON string by the spec; some servers send the object itself.
            arguments: json.value("arguments").map { value in
                if case .string(let text) = value { text } else { value.jsonString }
            },
            summary: try? json.decodeArray("summary"),
            encrypted_content: try? json.string("encrypted_content"),
            raw: json.wholeValue)
    }
}

extension OpenAIResponsesOutputItem.Part: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try json.string("type"),
            text: try json.string("text"),
            refusal: try json.string("refusal"))
    }
}

extension OpenAIResponsesUsage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            input_tokens: try json.int("input_tokens"),
            output_tokens: try json.int("output_tokens"),
            input_tokens_details: try json.decode("input_tokens_details"),
            output_tokens_details: try json.decode("output_tokens_details"))
    }
}

extension OpenAIResponsesUsage.InputDetails: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(cached_tokens: try json.int("cached_tokens"))
    }
}

extension OpenAIResponsesUsage.OutputDetails: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(reasoning_tokens: try json.int("reasoning_tokens"))
    }
}
