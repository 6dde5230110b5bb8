import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import X509

/// An HTTPS server on 127.0.0.1 with a certificate made for the test (for `localhost`, valid for an hour), that
/// answers every request with `200 secure`.
final class TLSTestServer: Sendable {
    let port: Int
    /// The server's certificate, for a client that trusts it.
    let certificate: NIOSSLCertificate
    private let channel: any Channel

    static func start() async throws -> TLSTestServer {
        let (certificate, context) = try TestCertificate.makeServerContext()

        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(SecureResponder())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TLSTestServer(port: channel.localAddress?.port ?? 0, certificate: certificate, channel: channel)
    }

    private init(port: Int, certificate: NIOSSLCertificate, channel: any Channel) {
        self.port = port
        self.certificate = certificate
        self.channel = channel
    }

    func shutdown() async throws {
        try await channel.close()
    }
}

/// Answers each request with `200 secure`.
private final class SecureResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let body = ByteBuffer(string: "secure")
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": String(body.readableBytes)])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// A certificate made for a test: for `localhost`, self-signed (it is its own CA), valid for an hour.
enum TestCertificate {
    /// The certificate, and a server TLS context that presents it; by default it names `localhost`.
    static func makeServerContext(names: [GeneralName] = [.dnsName("localhost")]) throws -> (NIOSSLCertificate, NIOSSLContext) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let issued = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectAlternativeNames(names) },
            issuerPrivateKey: .init(key))
        let certificate = try NIOSSLCertificate(bytes: Array(try issued.serializeAsPEM().pemString.utf8), format: .pem)
        let privateKey = try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
        let context = try NIOSSLContext(
            configuration: .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(privateKey)))
        return (certificate, context)
    }
}
