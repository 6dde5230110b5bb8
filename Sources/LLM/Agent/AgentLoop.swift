/// The loop behind ``Agent/run(messages:)`` and ``Agent/stream(messages:)``.
struct AgentLoop: Sendable {
    let agent: Agent
    let emit: @Sendable (AgentEvent) -> Void

    func run(_ input: [Message]) async throws -> AgentResult {
        let executor = ToolExecutor(tools: try toolsByName(), timeout: agent.options.toolTimeout, approve: agent.options.approveToolCall)
        let maxSteps = max(1, agent.options.maxSteps)
        var messages = input
        var steps: [AgentStep] = []
        var total = Usage()
        // The conversation's size as the provider last measured it (nil: estimate it).
        var measuredTokens: Int?
        var stopReason = AgentStopReason.maxSteps

        for index in 1...maxSteps {
            if Task.isCancelled { throw LLMError.cancelled }
            messages = ConversationRepair.repair(messages)
            if let pruner = agent.options.pruner {
                messages = pruner.prune(messages, inputTokens: measuredTokens)
            }
            let collected = try await callModel(messages, step: index)
            let response = collected.response
            total += response.usage
            if !Self.isEmpty(response) { messages.append(response.message) }

            for call in response.toolCalls { emit(.toolCall(call)) }
            let results = await executor.execute(response.toolCalls, rejected: collected.rejected, emit: emit)
            if Task.isCancelled { throw LLMError.cancelled }
            let resultMessages = results.map(Message.tool)
            messages += resultMessages

            let step = AgentStep(index: index, response: response, toolResults: results, totalUsage: total)
            steps.append(step)
            emit(.stepFinished(step))

            // The next request is this request plus the reply and the tool results.
            measuredTokens = response.usage.inputTokens > 0
                ? response.usage.inputTokens + response.usage.outputTokens + ContextPruner.estimatedTokens(resultMessages)
                : nil
            if response.toolCalls.isEmpty {
                stopReason = .completed
                break
            }
            if let condition = agent.options.stopCondition, condition.shouldStop(after: step) {
                stopReason = .stopCondition
                break
            }
        }

        let result = AgentResult(
            text: steps.last?.response.content ?? "", messages: messages, steps: steps, usage: total,
            stopReason: stopReason)
        emit(.finished(result))
        return result
    }

    private func toolsByName() throws -> [String: AnyAgentTool] {
        var byName: [String: AnyAgentTool] = [:]
        for tool in agent.tools {
            guard byName[tool.name] == nil else { throw AgentError.duplicateToolName(tool.name) }
            if let failure = tool.schemaFailure { throw AgentError.toolSchema(name: tool.name, reason: failure) }
            byName[tool.name] = tool
        }
        return byName
    }

    private func request(_ messages: [Message], step: Int) -> ChatRequest {
        let options = agent.options
        var messages = messages
        // The breakpoint moves with the conversation: this request writes its whole prompt to the cache, and the next
        // one, which starts the same, reads it back.
        if let breakpoint = options.cacheLatestTurn, !messages.isEmpty { messages[messages.count - 1].cacheBreakpoint = breakpoint }
        var request = ChatRequest(
            model: agent.model, messages: messages, system: agent.system, tools: agent.tools.map(\.definition),
            toolChoice: agent.tools.isEmpty ? nil : options.toolChoice.choice(forStep: step),
            maxTokens: options.maxTokens, temperature: options.temperature, reasoning: options.reasoning)
        options.prepareRequest?(&request, step)
        return request
    }

    /// Streams one model call, reporting text and reasoning as it arrives.
    private func callModel(_ messages: [Message], step: Int) async throws -> StepCollector.Collected {
        let provider = agent.options.providerForStep?(step) ?? agent.provider
        var collector = StepCollector()
        do {
            for try await event in provider.stream(request(messages, step: step)) {
                if let agentEvent = collector.consume(event) { emit(agentEvent) }
            }
        } catch {
            guard collector.absorb(error) else { throw error }
        }
        return try collector.finish()
    }

    private static func isEmpty(_ response: LLMResponse) -> Bool {
        response.content.isEmpty && response.toolCalls.isEmpty && response.reasoning.isEmpty
    }
}
