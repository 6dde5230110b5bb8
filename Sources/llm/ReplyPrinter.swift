import LLM

/// Sends one request and prints the reply the way `--output`, `--no-stream` and `--show-reasoning` ask.
///
/// Text mode prints the reply's text (streamed as it arrives), then one `tool call NAME ARGS` line per tool
/// call; tools are never run. JSON mode prints only the final reply as one JSON object.
struct ReplyPrinter {
    var output: OutputFormat
    var stream: Bool
    var showReasoning: Bool

    init(options: ChatOptions) {
        output = options.output
        stream = !options.noStream
        showReasoning = options.showReasoning
    }

    func send(_ request: ChatRequest, to provider: any LLMProvider) async throws {
        let response: LLMResponse
        if stream {
            response = try await streamReply(request, from: provider)
        } else {
            response = try await provider.complete(request)
            let reasoning = response.reasoning.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n")
            if showReasoning, !reasoning.isEmpty { Terminal.writeError(Terminal.dimmedForStderr(reasoning) + "\n") }
            if output == .text { Terminal.write(response.content) }
        }
        switch output {
        case .text:
            if !response.content.isEmpty, !response.content.hasSuffix("\n") { Terminal.write("\n") }
            for call in response.toolCalls {
                Terminal.write("tool call \(call.name) \(call.arguments.jsonString)\n")
            }
        case .json:
            Terminal.write(ResponseJSON.text(for: response) + "\n")
        }
    }

    /// Prints text (and reasoning, if asked) as it arrives and returns the assembled reply.
    private func streamReply(_ request: ChatRequest, from provider: any LLMProvider) async throws -> LLMResponse {
        var accumulator = StreamAccumulator()
        var reasoningOnLine = false
        for try await event in provider.stream(request) {
            accumulator.consume(event)
            switch event {
            case .textDelta(let delta, _):
                if reasoningOnLine {
                    Terminal.writeError("\n")
                    reasoningOnLine = false
                }
                if output == .text { Terminal.write(delta) }
            case .reasoningDelta(let delta, _) where showReasoning && !delta.isEmpty:
                Terminal.writeError(Terminal.dimmedForStderr(delta))
                reasoningOnLine = true
            default:
                break
            }
        }
        // A cancelled consumer sees the stream simply end, not an error.
        try Task.checkCancellation()
        if reasoningOnLine { Terminal.writeError("\n") }
        return try accumulator.response()
    }
}
