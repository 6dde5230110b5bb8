import Tracing

/// Span name and attributes of the OpenTelemetry GenAI semantic conventions (inference span, status
/// Development), kept in one place because those conventions still change.
enum GenAIAttributes {
    static func spanName(operation: String = "chat", model: String) -> String {
        model.isEmpty ? operation : "\(operation) \(model)"
    }

    /// The well-known `gen_ai.provider.name` for this package's provider names; others pass through.
    static func providerName(_ provider: String) -> String {
        switch provider.lowercased() {
        case "gemini", "google": "gcp.gemini"
        case "vertex", "vertexai", "vertex_ai": "gcp.vertex_ai"
        case "mistral": "mistral_ai"
        case "xai", "grok": "x_ai"
        case "bedrock": "aws.bedrock"
        case "azure", "azure-openai": "azure.ai.openai"
        default: provider
        }
    }

    /// Request attributes, set right after the span starts (samplers may read them).
    static func setRequest(_ request: ChatRequest, provider: String, stream: Bool, requestID: String, on span: any Tracing.Span) {
        // A span that records nothing (no tracer, or not sampled) is given none: they would be built for nothing.
        guard span.isRecording else { return }
        span.updateAttributes { attributes in
            attributes.set("gen_ai.operation.name", value: .string("chat"))
            attributes.set("gen_ai.provider.name", value: .string(providerName(provider)))
            attributes.set("gen_ai.request.model", value: .string(request.model))
            if let maxTokens = request.maxTokens { attributes.set("gen_ai.request.max_tokens", value: .int64(Int64(maxTokens))) }
            if let temperature = request.temperature { attributes.set("gen_ai.request.temperature", value: .double(temperature)) }
            if let topP = request.topP { attributes.set("gen_ai.request.top_p", value: .double(topP)) }
            if let seed = request.seed { attributes.set("gen_ai.request.seed", value: .int64(Int64(seed))) }
            if !request.stopSequences.isEmpty {
                attributes.set("gen_ai.request.stop_sequences", value: .stringArray(request.stopSequences))
            }
            if stream { attributes.set("gen_ai.request.stream", value: .bool(true)) }
            // Not a convention attribute: lets a trace be matched with the call's log line.
            attributes.set("llm.request_id", value: .string(requestID))
        }
    }

    /// The request attributes of an embeddings call.
    static func setRequest(_ request: EmbeddingRequest, provider: String, requestID: String, on span: any Tracing.Span) {
        // A span that records nothing (no tracer, or not sampled) is given none: they would be built for nothing.
        guard span.isRecording else { return }
        span.updateAttributes { attributes in
            attributes.set("gen_ai.operation.name", value: .string("embeddings"))
            attributes.set("gen_ai.provider.name", value: .string(providerName(provider)))
            attributes.set("gen_ai.request.model", value: .string(request.model))
            if let dimensions = request.dimensions {
                attributes.set("gen_ai.embeddings.dimension.count", value: .int64(Int64(dimensions)))
            }
            attributes.set("gen_ai.request.encoding_formats", value: .stringArray([request.encoding.rawValue]))
            attributes.set("llm.request_id", value: .string(requestID))
        }
    }

    /// Response, usage and error attributes, set just before the span ends.
    static func setOutcome(_ outcome: CallOutcome, on span: any Tracing.Span) {
        // A span that records nothing (no tracer, or not sampled) is given none: they would be built for nothing.
        guard span.isRecording else { return }
        span.updateAttributes { attributes in
            if let model = outcome.responseModel { attributes.set("gen_ai.response.model", value: .string(model)) }
            if let id = outcome.responseID { attributes.set("gen_ai.response.id", value: .string(id)) }
            if let reason = outcome.stopReason {
                attributes.set("gen_ai.response.finish_reasons", value: .stringArray([reason.name]))
            }
            if let ttft = outcome.timeToFirstToken {
                attributes.set("gen_ai.response.time_to_first_chunk", value: .double(ttft / .seconds(1)))
            }
            if let usage = outcome.usage {
                attributes.set("gen_ai.usage.input_tokens", value: .int64(Int64(usage.inputTokens)))
                attributes.set("gen_ai.usage.output_tokens", value: .int64(Int64(usage.outputTokens)))
                if usage.cacheReadTokens > 0 {
                    attributes.set("gen_ai.usage.cache_read.input_tokens", value: .int64(Int64(usage.cacheReadTokens)))
                }
                if usage.cacheWriteTokens > 0 {
                    attributes.set("gen_ai.usage.cache_creation.input_tokens", value: .int64(Int64(usage.cacheWriteTokens)))
                }
                if usage.reasoningTokens > 0 {
                    attributes.set("gen_ai.usage.reasoning.output_tokens", value: .int64(Int64(usage.reasoningTokens)))
                }
            }
            if let error = outcome.error { attributes.set("error.type", value: .string(error.kind)) }
        }
        if let error = outcome.error {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: error.kind))
        }
    }
}
