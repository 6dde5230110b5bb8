import Foundation
@testable import LLM
import LLMTesting
import NIOSSL
import SwiftASN1
import X509
import Testing

/// Calls through a REAL proxy (squid, see ``SquidProxy``): `http://` targets in absolute form, `https://` targets
/// through a CONNECT tunnel with TLS to the real host, `NO_PROXY`, refused credentials and a proxy that is not there.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ProxyEndToEndTests {
    static let reply = #"{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#
    static let streamed = [
        #"data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"h"}}]}"#,
        #"data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"i"},"finish_reason":"stop"}]}"#,
        "data: [DONE]",
    ]

    /// A chat completions server: a reply, or a stream when asked for one.
    func modelServer(tls: NIOSSLContext? = nil) async throws -> StubHTTPServer {
        try await StubHTTPServer.start(tls: tls) { request in
            request.body.contains(#""stream":true"#) ? .sse(Self.streamed) : .json(200, Self.reply)
        }
    }

    func provider(_ baseURL: String, proxy: ProxySettings, transport: NIOHTTPTransport) -> OpenAIProvider {
        var configuration = OpenAIConfiguration(name: "stub", baseURL: baseURL + "/v1", apiKey: "sk-model-key-0123456789")
        configuration.proxy = proxy
        configuration.retryPolicy = RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1))
        return OpenAIProvider(configuration: configuration, transport: transport)
    }

    /// One plain call and one streamed call; both must say "hi".
    func expectPlainAndStreamedCalls(_ provider: OpenAIProvider) async throws {
        #expect(try await provider.complete(ChatRequest(model: "m", messages: [.user("plain")])).content == "hi")
        var text = ""
        for try await event in provider.stream(ChatRequest(model: "m", messages: [.user("streamed")])) {
            if case .textDelta(let delta, _) = event { text += delta }
        }
        #expect(text == "hi")
    }

    func trusting(_ certificate: NIOSSLCertificate) -> NIOHTTPTransport {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([certificate])
        return NIOHTTPTransport(tlsConfiguration: tls)
    }

    @Test func anHTTPTargetGoesThroughTheProxyInAbsoluteForm() async throws {
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let server = try await modelServer()
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }

        try await expectPlainAndStreamedCalls(provider(server.baseURL, proxy: try .proxy(proxy.url()), transport: transport))

        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { ($0.header("via") ?? "").contains("squid") }, "squid forwarded both")
        #expect(server.requests.allSatisfy { $0.header("proxy-authorization") == nil }, "the proxy's credentials stop there")
        #expect(server.requests.allSatisfy { $0.header("authorization") == "Bearer sk-model-key-0123456789" })
        let log = await proxy.accessLog(once: 2, linesContain: "POST \(server.baseURL)/v1/chat/completions")
        #expect(log.split(separator: "\n").filter { $0.contains("POST \(server.baseURL)/v1/chat/completions") }.count == 2)
    }

    @Test func anHTTPSTargetGoesThroughATunnelWithTLSToTheRealHost() async throws {
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let (certificate, tls) = try TestCertificate.makeServerContext()
        let server = try await modelServer(tls: tls)
        defer { shut(server) }
        let transport = trusting(certificate)
        defer { transport.shutdown() }

        // The certificate names localhost, the real host; the proxy is 127.0.0.1: the check is against the former.
        try await expectPlainAndStreamedCalls(provider(server.baseURL, proxy: try .proxy(proxy.url()), transport: transport))

        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.header("via") == nil }, "inside a tunnel the proxy sees no request")
        // squid logs a tunnel when it closes.
        transport.shutdown()
        #expect(await proxy.accessLog(once: 1, linesContain: "CONNECT localhost:\(server.port)").contains("CONNECT localhost:\(server.port)"))
    }

    @Test func aTunnelledCertificateIsCheckedAgainstTheRealHost() async throws {
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let (certificate, tls) = try TestCertificate.makeServerContext()
        let server = try await modelServer(tls: tls)
        defer { shut(server) }
        let transport = trusting(certificate)
        defer { transport.shutdown() }

        // The same server by its address: the certificate (for localhost) does not name it.
        let provider = provider("https://127.0.0.1:\(server.port)", proxy: try .proxy(proxy.url()), transport: transport)
        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")])) }

        guard case .network(let reason) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("TLS"), "\(reason)")
        #expect(server.requests.isEmpty)
        #expect(await proxy.accessLog(once: 1, linesContain: "CONNECT 127.0.0.1:\(server.port)").contains("CONNECT 127.0.0.1:\(server.port)"))
    }

    @Test func theEnvironmentsProxyIsUsedAndNoProxysHostsGoDirect() async throws {
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let (certificate, tls) = try TestCertificate.makeServerContext()
        let secure = try await modelServer(tls: tls)
        defer { shut(secure) }
        let plain = try await modelServer()
        defer { shut(plain) }

        let proxied = ProxySettings.environment(["https_proxy": proxy.url(), "http_proxy": proxy.url()])
        let first = trusting(certificate)
        try await expectPlainAndStreamedCalls(provider(secure.baseURL, proxy: proxied, transport: first))
        try await expectPlainAndStreamedCalls(provider(plain.baseURL, proxy: proxied, transport: first))
        first.shutdown()  // squid logs a tunnel when it closes
        #expect(await proxy.accessLog(once: 1, linesContain: "CONNECT localhost:\(secure.port)").contains("CONNECT localhost:\(secure.port)"))
        let linesBefore = await proxy.accessLog(once: 2, linesContain: "POST \(plain.baseURL)").split(separator: "\n").count
        #expect(plain.requests.allSatisfy { ($0.header("via") ?? "").contains("squid") })

        let bypassed = ProxySettings.environment([
            "HTTPS_PROXY": proxy.url(), "http_proxy": proxy.url(), "NO_PROXY": "example.com, localhost,127.0.0.1:\(plain.port)",
        ])
        let second = trusting(certificate)
        try await expectPlainAndStreamedCalls(provider(secure.baseURL, proxy: bypassed, transport: second))
        try await expectPlainAndStreamedCalls(provider(plain.baseURL, proxy: bypassed, transport: second))
        second.shutdown()
        #expect(await secure.waitForOpenConnections(0, timeout: .seconds(5)), "every connection closed, so squid logged any tunnel")
        #expect(proxy.accessLog.split(separator: "\n").count == linesBefore, "nothing more went through the proxy")
        #expect(plain.requests.suffix(2).allSatisfy { $0.header("via") == nil })
        #expect(secure.requests.count == 4)
    }

    @Test func aCertificateForTheProxysAddressDoesNotPassForTheRealHost() async throws {
        // The server presents a certificate naming only 127.0.0.1, the proxy's address, for a request to
        // "localhost": through the tunnel that must not pass (the connection's remote address is the proxy's).
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let (certificate, tls) = try TestCertificate.makeServerContext(names: [.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
        let server = try await modelServer(tls: tls)
        defer { shut(server) }
        let transport = trusting(certificate)
        defer { transport.shutdown() }

        let provider = provider(server.baseURL, proxy: try .proxy(proxy.url()), transport: transport)
        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")])) }

        guard case .network(let reason) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(reason == "TLS error: the server's certificate does not name localhost")
        #expect(server.requests.isEmpty, "no request was written")
        // The same certificate is right for the address it names.
        #expect(try await self.provider("https://127.0.0.1:\(server.port)", proxy: try .proxy(proxy.url()), transport: transport)
            .complete(ChatRequest(model: "m", messages: [.user("x")])).content == "hi")
    }

    @Test(arguments: [false, true])
    func wrongProxyCredentialsAreAnAuthenticationErrorNamingTheProxy(https: Bool) async throws {
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let (certificate, tls) = try TestCertificate.makeServerContext()
        let server = try await modelServer(tls: https ? tls : nil)
        defer { shut(server) }
        let transport = trusting(certificate)
        defer { transport.shutdown() }
        let wrong = try ProxySettings.proxy(proxy.url(password: "not-the-password"))

        let provider = provider(server.baseURL, proxy: wrong, transport: transport)
        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")])) }

        guard case .authentication(let details) = error else {
            Issue.record("expected an authentication error, got \(String(describing: error))")
            return
        }
        #expect(details.provider == "proxy 127.0.0.1:\(proxy.port)", "the proxy is named, not the model server")
        #expect(details.status == 407)
        #expect(!"\(error!)".contains("not-the-password"))
        #expect(server.requests.isEmpty)
        let log = await proxy.accessLog(once: 1, linesContain: "TCP_DENIED/407")
        #expect(log.split(separator: "\n").filter { $0.contains("TCP_DENIED/407") }.count == 1, "not retried: the credentials will not change")
    }

    @Test func theCLIGoesThroughTheEnvironmentsProxyOrTheOneGivenOrDirect() async throws {
        let proxy = try await SquidProxy.start()
        defer { proxy.stop() }
        let server = try await modelServer()
        defer { shut(server) }
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let nothingThere = "http://127.0.0.1:\(refusing.port)"
        let call = ["--base-url", server.baseURL + "/v1", "-m", "openai/m", "hi"]

        let runs: [(arguments: [String], environment: [String: String], proxied: Bool)] = [
            (call, ["http_proxy": proxy.url()], true),
            (["--proxy", proxy.url()] + call, ["http_proxy": nothingThere], true),
            (["--no-proxy"] + call, ["http_proxy": nothingThere], false),
            (["--proxy", proxy.url()] + call, ["NO_PROXY": "127.0.0.1"], false),
        ]
        for (number, run) in runs.enumerated() {
            let result = try await CLIRunner.run(run.arguments, environment: run.environment)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("hi"))
            #expect(server.requests.count == number + 1)
            #expect((server.requests.last?.header("via")?.contains("squid") ?? false) == run.proxied, "run \(number)")
            #expect(!result.stderr.contains(SquidProxy.password))
        }
    }

    @Test(arguments: [false, true])
    func anUnreachableProxyIsANetworkErrorThatSaysProxy(https: Bool) async throws {
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let port = refusing.port
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }
        let target = https ? "https://localhost:9" : "http://127.0.0.1:9"

        let provider = provider(target, proxy: try .proxy("http://127.0.0.1:\(port)"), transport: transport)
        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")])) }

        guard case .network(let reason) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(reason == "proxy 127.0.0.1:\(port): connection refused")
    }
}
