import Foundation
import LLM
@testable import LLMGateway
import LLMTesting
import NIOConcurrencyHelpers
import Testing

/// How an alias spreads its requests over weighted targets, and sets aside a target that keeps failing.
@Suite struct GatewayRoutingTests {
    static let reply = #"{"id":"c","model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#

    func upstream(status: Int = 200) async throws -> StubHTTPServer {
        try await StubHTTPServer.start { _ in
            status == 200 ? .json(200, Self.reply) : .json(status, #"{"error":{"message":"down","type":"server_error"}}"#)
        }
    }

    func router(_ alias: GatewayConfiguration.ModelAlias, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) throws -> ModelRouter {
        // A fixed sequence of draws: the spread is the same on every run.
        let draws = NIOLockedValueBox(SeededDraws(seed: 42))
        return try ModelRouter(
            configuration: GatewayConfiguration(models: [alias]), environment: [:], transport: NIOHTTPTransport.shared,
            random: { draws.withLockedValue { $0.next() } }, now: now)
    }

    func target(_ server: StubHTTPServer, weight: Int? = nil) -> GatewayConfiguration.Target {
        GatewayConfiguration.Target(model: "llamacpp/m", baseURL: server.baseURL + "/v1", weight: weight)
    }

    /// A wildcard alias passes the rest of the name on, within its allow-list; a plain alias of the same name wins.
    @Test func aWildcardAliasServesTheModelsItsAllowListLetsThrough() async throws {
        let server = try await upstream()
        let exact = try await upstream()
        defer { shut(server); shut(exact) }
        let wildcard = GatewayConfiguration.ModelAlias(
            name: "up/*", targets: [.init(model: "llamacpp/*", baseURL: server.baseURL + "/v1")], allow: ["org/allowed-*", "plain"])
        let fixed = GatewayConfiguration.ModelAlias(name: "up/plain", targets: [target(exact)])
        let router = try ModelRouter(configuration: GatewayConfiguration(models: [wildcard, fixed]), environment: [:])

        let reply = try await router.complete(ChatRequest(model: "up/org/allowed-7b", messages: [.user("x")]))
        _ = try await router.complete(ChatRequest(model: "up/plain", messages: [.user("x")]))

        #expect(reply.model == "up/org/allowed-7b", "clients see the name they asked for")
        #expect(server.requests.first?.body.contains(#""model":"org/allowed-7b""#) == true, "\(server.requests.map(\.body))")
        #expect(exact.requests.count == 1, "the plain alias of the same name served it")
        #expect(router.serves("up/org/allowed-x") && !router.serves("up/org/other") && !router.serves("up/"))
        await #expect {
            try await router.complete(ChatRequest(model: "up/org/other", messages: [.user("x")]))
        } throws: { error in
            guard case LLMError.modelNotFound(let details) = error else { return false }
            return details.message.contains("not allowed") && details.message.contains("org/allowed-*")
        }
        #expect(server.requests.count == 1, "a model the allow-list refuses goes nowhere")
    }

    @Test func weightedTargetsShareTheLoadByWeight() async throws {
        let light = try await upstream()
        let heavy = try await upstream()
        defer { shut(light); shut(heavy) }
        let router = try router(.init(name: "m", targets: [target(light, weight: 1), target(heavy, weight: 3)]))

        for _ in 0..<200 {
            _ = try await router.complete(ChatRequest(model: "m", messages: [.user("x")]))
        }

        #expect(light.requests.count + heavy.requests.count == 200)
        #expect((30...70).contains(light.requests.count), "about a quarter: \(light.requests.count)")
    }

    @Test func aTargetThatKeepsFailingIsSetAsideThenTriedAgain() async throws {
        let failing = try await upstream(status: 500)
        let healthy = try await upstream()
        defer { shut(failing); shut(healthy) }
        let clock = NIOLockedValueBox(ContinuousClock.now)
        var alias = GatewayConfiguration.ModelAlias(
            name: "m", targets: [target(failing), target(healthy)], maxRetries: 0, cooldownSeconds: 30, cooldownAfter: 3)
        alias.maxRetries = 0
        let router = try router(alias, now: { clock.withLockedValue { $0 } })

        for _ in 0..<6 {
            #expect(try await router.complete(ChatRequest(model: "m", messages: [.user("x")])).content == "hi")
        }
        #expect(failing.requests.count == 3, "three failures in a row, then set aside")
        #expect(healthy.requests.count == 6)

        clock.withLockedValue { $0 += .seconds(31) }
        _ = try await router.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(failing.requests.count == 4, "tried again once the cooldown ran out")
        _ = try await router.complete(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(failing.requests.count == 4, "and set aside again at its next failure")
    }

    @Test func aRequestErrorDoesNotCoolATargetDown() async throws {
        let refusing = try await StubHTTPServer.start { _ in .json(400, #"{"error":{"message":"bad","type":"invalid_request_error"}}"#) }
        defer { shut(refusing) }
        let router = try router(.init(name: "m", targets: [target(refusing)], maxRetries: 0, cooldownAfter: 1))

        for _ in 0..<3 {
            let error = await #expect(throws: LLMError.self) { _ = try await router.complete(ChatRequest(model: "m", messages: [.user("x")])) }
            #expect(error?.kind == "invalid_request")
        }
        #expect(refusing.requests.count == 3, "the client's mistake says nothing about the upstream")
    }

    /// A target that cannot do what is asked (`unsupported`: Ollama refuses to force a tool, before sending anything)
    /// hands over to the next, for whole replies and streams alike, and is not set aside as a failing one would be.
    @Test func aTargetThatCannotDoWhatIsAskedHandsOverToTheNext() async throws {
        let ollama = try await StubHTTPServer.start { _ in
            .json(200, #"{"model":"m","message":{"role":"assistant","content":"ok"},"done":true,"done_reason":"stop"}"#)
        }
        let whole = try await upstream()
        let streaming = try await StubHTTPServer.start { _ in
            StubResponse(headers: ["content-type": "text/event-stream"], actions: [
                .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"hi"}}]}"# + "\n\n"),
                .send("data: [DONE]\n\n"), .end,
            ])
        }
        defer { shut(ollama); shut(whole); shut(streaming) }
        let refusing = GatewayConfiguration.Target(model: "ollama/m", baseURL: ollama.baseURL)
        // One failure would set a target aside for a minute.
        let router = try router(.init(name: "w", targets: [refusing, target(whole)], maxRetries: 0, cooldownSeconds: 60, cooldownAfter: 1))
        let streamRouter = try self.router(
            .init(name: "s", targets: [refusing, target(streaming)], maxRetries: 0, cooldownSeconds: 60, cooldownAfter: 1))
        func forcingATool(_ alias: String) -> ChatRequest {
            ChatRequest(model: alias, messages: [.user("x")], tools: [Tool(name: "f", description: "a tool")], toolChoice: .required)
        }

        #expect(try await router.complete(forcingATool("w")).content == "hi")
        #expect(try await streamRouter.stream(forcingATool("s")).collectResponse().content == "hi")
        #expect(ollama.requests.isEmpty, "refused before anything was sent")
        #expect(whole.requests.count == 1)
        #expect(streaming.requests.count == 1)
        // Refusing is not failing: a request it can serve still goes to it first.
        #expect(try await router.complete(ChatRequest(model: "w", messages: [.user("x")])).content == "ok")
        #expect(try await streamRouter.complete(ChatRequest(model: "s", messages: [.user("x")])).content == "ok")
    }

    @Test func badWeightsAndCooldownsAreRefused() {
        let alias = GatewayConfiguration.ModelAlias(
            name: "m", targets: [.init(model: "llamacpp/m", weight: -1)], maxRetries: -1, cooldownSeconds: -5, cooldownAfter: 0)
        #expect {
            try GatewayConfiguration(models: [alias]).validate(environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("weight: not negative") && text.contains("cooldown_after: at least 1")
                && text.contains("cooldown_s: not negative") && text.contains("max_retries: not negative")
        }
    }

    /// Tests that measure time run one at a time (scripts/test.sh runs suites named `TimingFaults` alone): hundreds
    /// of parallel tests on 2 cores stretched a 0.3 s timeout past itself.
    @Suite(.serialized) struct TimingFaults {
        let routing = GatewayRoutingTests()

        /// `timeout_s`: a target silent for longer hands over to the next; a stream that keeps coming is not cut.
        @Test func aTargetSilentPastTheAliasTimeoutHandsOverToTheNext() async throws {
            let silent = try await StubHTTPServer.start { _ in
                StubResponse(actions: [.pause(.seconds(10)), .send(GatewayRoutingTests.reply), .end])
            }
            let answering = try await routing.upstream()
            let slowButSteady = try await StubHTTPServer.start { _ in
                StubResponse(headers: ["content-type": "text/event-stream"], actions: (0..<6).flatMap { index in
                    [StubResponse.Action.pause(.milliseconds(150)), .send(#"data: {"id":"c","model":"up","choices":[{"index":0,"delta":{"content":"\#(index)"}}]}"# + "\n\n")]
                } + [.send("data: [DONE]\n\n"), .end])
            }
            defer { shut(silent); shut(answering); shut(slowButSteady) }
            let router = try routing.router(.init(name: "m", targets: [routing.target(silent), routing.target(answering)], timeoutSeconds: 0.3, maxRetries: 0))
            let steady = try routing.router(.init(name: "s", targets: [routing.target(slowButSteady)], timeoutSeconds: 0.3, maxRetries: 0))

            let reply = try await router.complete(ChatRequest(model: "m", messages: [.user("x")]))

            #expect(reply.content == "hi")
            #expect(silent.requests.count == 1)
            #expect(answering.requests.count == 1, "the silent target was left after its timeout (it would have answered after 10 s)")
            // Six chunks 150 ms apart take 900 ms in all, three times the timeout: a steady stream is not cut.
            let streamed = try await steady.stream(ChatRequest(model: "s", messages: [.user("x")])).collectResponse()
            #expect(streamed.content == "012345")
        }
    }
}

/// Shuts a stub server down without waiting.
func shut(_ server: StubHTTPServer) {
    Task { try await server.shutdown() }
}

/// Uniform draws in [0, 1) from a seed (SplitMix64).
struct SeededDraws {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
