/// How one model call ended, as far as telemetry cares.
struct CallOutcome: Sendable {
    /// `nil` when the call succeeded.
    var error: LLMError?
    var usage: Usage?
    var responseModel: String?
    var responseID: String?
    var stopReason: StopReason?
    /// From the start of the call to the first content event (streams only).
    var timeToFirstToken: Duration?
    /// The reply's text, kept only when content logging is on.
    var replyText: String?

    init(error: LLMError? = nil) {
        self.error = error
    }

    init(response: LLMResponse) {
        usage = response.usage
        responseModel = response.model
        responseID = response.id
        stopReason = response.stopReason
        replyText = ContentRendering.reply(response)
    }

    init(embeddings response: EmbeddingResponse) {
        usage = response.usage
        responseModel = response.model
    }

    /// `"ok"`, or the error's kind.
    var statusName: String { error.map { $0.kind } ?? "ok" }
}
