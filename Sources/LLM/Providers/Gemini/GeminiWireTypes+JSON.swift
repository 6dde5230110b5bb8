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

extension GeminiErrorEnvelope: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(error: try json.decode("error"))
    }

    /// An error body's envelope: `{"error": {...}}`, or that object as the first element of an array (as some Google
    /// front ends send it); nil for anything else.
    static func read(_ text: String) -> GeminiErrorEnvelope? {
        try? JSONParser.withDocument(text) { root in
            var object = root
            if root.kind == .array {
                var first: JSONElement?
                root.forEachElement { element in first = first ?? element }
                guard let first else { return nil }
                object = first
            }
            return try GeminiErrorEnvelope(json: JSONFields(object))
        }
    }
}

extension GeminiModelList: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(models: try json.decodeArray("models"), nextPageToken: try json.string("nextPageToken"))
    }
}

extension GeminiModelList.Model: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(name: try json.requiredString("name"), displayName: try json.string("displayName"))
    }
}

extension GeminiTokenCount: JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError) {
        self.init(totalTokens: try json.int("totalTokens"))
    }
}
