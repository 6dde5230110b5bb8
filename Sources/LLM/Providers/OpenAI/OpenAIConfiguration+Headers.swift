import NIOHTTP1

extension OpenAIConfiguration {
    /// The headers of every request to an OpenAI-style API (Chat Completions and Responses): the key as a bearer
    /// token (none for a keyless local server), the organization and project when set, what the reply is read as,
    /// then the caller's own headers, which replace any of these.
    func requestHeaders(streaming: Bool = false) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let key = apiKey, !key.isEmpty { headers.add(name: "authorization", value: "Bearer \(key)") }
        if let organization { headers.add(name: "openai-organization", value: organization) }
        if let project { headers.add(name: "openai-project", value: project) }
        headers.add(name: "accept", value: streaming ? "text/event-stream" : "application/json")
        for (name, value) in self.headers { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }
}
