// What the Gemini API (generativelanguage.googleapis.com/v1beta) sends back, decoded leniently: every
// field optional. The same `GenerateContentResponse` is the whole reply of `generateContent` and each
// event of `streamGenerateContent?alt=sse`.

struct GeminiResponse {
    var candidates: [GeminiCandidate]?
    var promptFeedback: GeminiPromptFeedback?
    var usageMetadata: GeminiUsage?
    var modelVersion: String?
    var responseId: String?
    /// An error reported inside a stream (`data: {"error": {...}}`).
    var error: GeminiErrorBody?
}

struct GeminiCandidate {
    var content: GeminiContent?
    var finishReason: String?
    var finishMessage: String?
    var index: Int?
}

struct GeminiContent {
    var role: String?
    var parts: [GeminiPart]?
}

struct GeminiPart {
    var text: String?
    /// True when `text` is a thought (summary) rather than part of the answer.
    var thought: Bool?
    /// Opaque, base64; must go back unchanged on the same part of the next request.
    var thoughtSignature: String?
    var functionCall: GeminiFunctionCall?
}

struct GeminiFunctionCall {
    var id: String?
    var name: String?
    /// A JSON object (protobuf `Struct`).
    var args: JSONValue?
}

struct GeminiPromptFeedback {
    var blockReason: String?
    var blockReasonMessage: String?
}

struct GeminiUsage {
    var promptTokenCount: Int?
    var cachedContentTokenCount: Int?
    var candidatesTokenCount: Int?
    var toolUsePromptTokenCount: Int?
    var thoughtsTokenCount: Int?
    var totalTokenCount: Int?

    /// Gemini counts thoughts apart from the candidates, while ``Usage/outputTokens`` includes reasoning;
    /// `promptTokenCount` already includes the cached tokens; results of Gemini's own tools are input too.
    var usage: Usage {
        let thoughts = thoughtsTokenCount ?? 0
        return Usage(
            inputTokens: (promptTokenCount ?? 0) + (toolUsePromptTokenCount ?? 0),
            outputTokens: (candidatesTokenCount ?? 0) + thoughts,
            cacheReadTokens: cachedContentTokenCount ?? 0, reasoningTokens: thoughts)
    }
}

/// `{"error": {...}}`, or that object wrapped in an array (as some Google front ends send it).
struct GeminiErrorEnvelope {
    var error: GeminiErrorBody?
}

/// A `google.rpc.Status`: `{"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED", "details": [...]}`.
struct GeminiErrorBody {
    var code: Int?
    var message: String?
    var status: String?
    var details: [Detail]?

    struct Detail {
        var type: String?
        /// `google.rpc.ErrorInfo`, e.g. `API_KEY_INVALID`.
        var reason: String?
        /// `google.rpc.RetryInfo`, a protobuf duration such as `"7s"` or `"1.5s"`.
        var retryDelay: String?
    }

    /// The delay a `RetryInfo` detail asks for.
    var retryDelay: Duration? {
        details?.lazy.compactMap { $0.retryDelay.flatMap(GeminiErrorBody.duration) }.first
    }

    var reasons: [String] { details?.compactMap(\.reason) ?? [] }

    /// Parses a protobuf JSON duration: decimal seconds followed by `s`.
    static func duration(_ text: String) -> Duration? {
        var text = text.trimmingWhitespace()
        guard text.hasSuffix("s") else { return nil }
        text.removeLast()
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
        return RetryAfter.delay(milliseconds: seconds * 1000)
    }
}

struct GeminiModelList {
    var models: [Model]?
    var nextPageToken: String?

    struct Model {
        /// `models/gemini-2.5-flash`.
        var name: String
        var displayName: String?
    }
}

/// The answer of `countTokens`.
struct GeminiTokenCount {
    var totalTokens: Int?
}
