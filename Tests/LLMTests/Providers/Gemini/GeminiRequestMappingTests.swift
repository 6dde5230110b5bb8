import LLM
import LLMTesting
import Testing

/// What goes out on the wire to Gemini, read back from the request the provider sent.
@Suite struct GeminiRequestMappingTests {
    func sent(_ request: ChatRequest, stream: Bool = false) async throws -> (JSONValue, ReplayTransport) {
        let reply = try Fixtures.text(stream ? "conformance/gemini/streamed-text.stream" : "conformance/gemini/plain-text.json")
        let transport = ReplayTransport([.init(body: reply)])
        let provider = GeminiProvider(
            configuration: GeminiConfiguration(baseURL: "http://stub/v1beta", apiKey: "AIzaSy-test-KEY", retryPolicy: .none),
            transport: transport)
        if stream {
            for try await _ in provider.stream(request) {}
        } else {
            _ = try await provider.complete(request)
        }
        return (try #require(transport.requestBodies.first), transport)
    }

    func sentBody(_ request: ChatRequest) async throws -> JSONValue { try await sent(request).0 }

    @Test func everyRequestFieldIsMapped() async throws {
        let weather = Tool(name: "get_weather", description: "Weather for a city", parameters: .object(["city": .string()]))
        let request = ChatRequest(
            model: "gemini-2.5-flash", messages: [.system("Answer in French."), .user("Hi")], system: "Be brief.",
            tools: [weather], toolChoice: .tool("get_weather"), maxTokens: 50, temperature: 0.2, topP: 0.9,
            stopSequences: ["END"], seed: 7, responseFormat: .jsonSchema(name: "answer", schema: .object(["a": .integer()])),
            reasoning: ReasoningOptions(budgetTokens: 2048),
            extraFields: [
                "generationConfig": ["topK": 40, "temperature": 0.3],
                "safetySettings": [["category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"]],
            ])
        let body = try await sentBody(request)
        // The model is in the URL; Gemini rejects unknown body fields.
        #expect(body["model"] == nil)
        #expect(body["systemInstruction"] == ["parts": [["text": "Be brief.\n\nAnswer in French."]]])
        #expect(body["contents"] == [["role": "user", "parts": [["text": "Hi"]]]])
        #expect(body["tools"] == [["functionDeclarations": [[
            "name": "get_weather", "description": "Weather for a city",
            "parameters": ["type": "OBJECT", "properties": ["city": ["type": "STRING"]], "required": ["city"]],
        ]]]])
        #expect(body["toolConfig"] == ["functionCallingConfig": ["mode": "ANY", "allowedFunctionNames": ["get_weather"]]])
        #expect(body["generationConfig"] == [
            // The extra topK is added; its temperature does not replace the request's own.
            "maxOutputTokens": 50, "temperature": 0.2, "topP": 0.9, "stopSequences": ["END"], "seed": 7, "topK": 40,
            "responseMimeType": "application/json",
            "responseSchema": ["type": "OBJECT", "properties": ["a": ["type": "INTEGER"]], "required": ["a"]],
            "thinkingConfig": ["thinkingBudget": 2048, "includeThoughts": true],
        ])
        #expect(body["safetySettings"] == [["category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"]])
    }

    @Test func minimalRequestSendsOnlyContents() async throws {
        let body = try await sentBody(ChatRequest(model: "gemini-2.5-flash", messages: [.user("Hi")]))
        #expect(body == ["contents": [["role": "user", "parts": [["text": "Hi"]]]]])
    }

    @Test(arguments: [(ToolChoice.auto, "AUTO"), (.none, "NONE"), (.required, "ANY")])
    func toolChoices(choice: ToolChoice, mode: String) async throws {
        let tool = Tool(name: "t", description: "d", parameters: .object(["x": .string()]))
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], tools: [tool], toolChoice: choice))
        #expect(body["toolConfig"] == ["functionCallingConfig": ["mode": .string(mode)]])
    }

    @Test func jsonObjectModeIsTheMimeTypeAlone() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], responseFormat: .jsonObject))
        #expect(body["generationConfig"] == ["responseMimeType": "application/json"])
    }

    @Test(arguments: [
        (ReasoningOptions.Effort.minimal, 512), (.low, 1024), (.medium, 8192), (.high, 24576),
    ])
    func effortBecomesABudget(effort: ReasoningOptions.Effort, budget: Int) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], reasoning: ReasoningOptions(effort: effort)))
        #expect(body["generationConfig"]?["thinkingConfig"] == ["thinkingBudget": .int(budget), "includeThoughts": true])
    }

    @Test func zeroBudgetTurnsThinkingOffWithoutAskingForThoughts() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], reasoning: ReasoningOptions(budgetTokens: 0)))
        #expect(body["generationConfig"]?["thinkingConfig"] == ["thinkingBudget": 0])
    }

    @Test func imagesBecomeInlineDataOrFileData() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user([
            .text("What is this?"), .image(.base64(data: "iVBORw0K", mediaType: "image/png")),
            .image(.url("data:image/jpeg;base64,/9j/4AAQ")), .image(.url("https://example.com/cat.webp?size=large")),
            .image(.url("https://example.com/render")),
        ])]))
        #expect(body["contents"] == [["role": "user", "parts": [
            ["text": "What is this?"],
            ["inlineData": ["mimeType": "image/png", "data": "iVBORw0K"]],
            ["inlineData": ["mimeType": "image/jpeg", "data": "/9j/4AAQ"]],
            ["fileData": ["mimeType": "image/webp", "fileUri": "https://example.com/cat.webp?size=large"]],
            ["fileData": ["fileUri": "https://example.com/render"]],
        ]]])
    }

    @Test func toolTurnsAreMergedAndMatchedByName() async throws {
        let request = ChatRequest(model: "m", messages: [
            .user("Weather and time?"),
            .assistant("Checking.", toolCalls: [
                ToolCall(id: "call_0", name: "get_weather", arguments: ["city": "Oslo"], signature: "c2lnLWE="),
                ToolCall(id: "fc-7x2", name: "get_time", arguments: ["zone": "CET"]),
            ]),
            // No name on the first result: it is found from the call it answers.
            .tool(ToolResult(toolCallID: "call_0", content: "{\"temp\": 4, \"sky\": \"snow\"}")),
            .tool(ToolResult(toolCallID: "fc-7x2", name: "get_time", content: "the clock is down", isError: true)),
            .user("Thanks."),
            .user("Summarise."),
            .assistant("Cold and snowy; time unknown."),
        ])
        let body = try await sentBody(request)
        #expect(body["contents"] == [
            ["role": "user", "parts": [["text": "Weather and time?"]]],
            ["role": "model", "parts": [
                ["text": "Checking."],
                // A made-up id means nothing to Gemini and is not sent; Gemini's own id goes back.
                ["functionCall": ["name": "get_weather", "args": ["city": "Oslo"]], "thoughtSignature": "c2lnLWE="],
                ["functionCall": ["name": "get_time", "args": ["zone": "CET"], "id": "fc-7x2"]],
            ]],
            ["role": "user", "parts": [
                ["functionResponse": ["name": "get_weather", "response": ["temp": 4, "sky": "snow"]]],
                ["functionResponse": ["name": "get_time", "id": "fc-7x2", "response": ["error": "the clock is down"]]],
                ["text": "Thanks."],
                ["text": "Summarise."],
            ]],
            ["role": "model", "parts": [["text": "Cold and snowy; time unknown."]]],
        ])
    }

    @Test func plainTextToolResultIsWrapped() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [
            .user("x"), .assistant("", toolCalls: [ToolCall(id: "call_0", name: "lookup")]),
            .tool(ToolResult(toolCallID: "call_0", name: "lookup", content: "[1, 2]")),
        ]))
        #expect(body["contents"]?.arrayValue?.last == ["role": "user", "parts": [
            ["functionResponse": ["name": "lookup", "response": ["result": "[1, 2]"]]],
        ]])
    }

    @Test func signedReasoningGoesBackOnItsParts() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [
            .user("x"),
            .assistant("Paris.", reasoning: [
                ReasoningBlock(text: "Unsigned summary"),
                ReasoningBlock(text: "Signed thought", signature: "c2lnLXQ="),
                ReasoningBlock(text: "", signature: "c2lnLXg="),
            ]),
            .user("y"),
        ]))
        #expect(body["contents"]?.arrayValue?[1] == ["role": "model", "parts": [
            ["text": "Signed thought", "thought": true, "thoughtSignature": "c2lnLXQ="],
            ["text": "Paris.", "thoughtSignature": "c2lnLXg="],
        ]])
    }

    @Test func streamingUsesTheSSEMethodAndKeyHeader() async throws {
        let (_, transport) = try await sent(ChatRequest(model: "models/gemini-2.5-pro", messages: [.user("x")]), stream: true)
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://stub/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse")
        #expect(request.headers.first(name: "x-goog-api-key") == "AIzaSy-test-KEY")
        #expect(request.headers.first(name: "accept") == "text/event-stream")
        #expect(!request.url.contains("AIzaSy-test-KEY"))
    }
}
