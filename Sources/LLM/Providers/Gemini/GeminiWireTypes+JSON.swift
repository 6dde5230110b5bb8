// The stream event (a whole `GenerateContentResponse`) read by hand (see `JSONWireDecodable`); same
// fields as the Codable shapes.

extension GeminiResponse: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            candidates: try json.decodeArray("candidates"),
            promptFeedback: try json.decode("promptFeedback"),
            usageMetadata: try json.decode("usageMetadata"),
            modelVersion: try json.string("modelVersion"),
            responseId: try json.string("responseId"),
            error: try json.decode("error"))
    }
}

extension GeminiCandidate: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            content: try json.decode("content"),
            finishReason: try json.string("finishReason"),
            finishMessage: try json.string("finishMessage"),
            index: try json.int("index"))
    }
}

extension GeminiContent: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            role: try json.string("role"),
            parts: try json.decodeArray("parts"))
    }
}

extension GeminiPart: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            text: try json.string("text"),
            thought: try json.bool("thought"),
            thoughtSignature: try json.string("thoughtSignature"),
            functionCall: try json.decode("functionCall"))
    }
}

extension GeminiFunctionCall: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            id: try json.string("id"),
            name: try json.string("name"),
            args: json.value("args"))
    }
}

extension GeminiPromptFeedback: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            blockReason: try json.string("blockReason"),
            blockReasonMessage: try json.string("blockReasonMessage"))
    }
}

extension GeminiUsage: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            promptTokenCount: try json.int("promptTokenCount"),
            cachedContentTokenCount: try json.int("cachedContentTokenCount"),
            candidatesTokenCount: try json.int("candidatesTokenCount"),
            toolUsePromptTokenCount: try json.int("toolUsePromptTokenCount"),
            thoughtsTokenCount: try json.int("thoughtsTokenCount"),
            totalTokenCount: try json.int("totalTokenCount"))
    }
}

extension GeminiErrorBody: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            code: try json.int("code"),
            message: try json.string("message"),
            status: try json.string("status"),
            details: try json.decodeArray("details"))
    }
}

extension GeminiErrorBody.Detail: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(
            type: try json.string("@type"),
            reason: try json.string("reason"),
            retryDelay: try json.string("retryDelay"))
    }
}
