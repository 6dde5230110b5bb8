import LLM
import LLMTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Helpers for the transport tests.

/// The library's transports, which the transport suites run against alike.
enum TransportUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case asyncHTTPClient = "AsyncHTTPClientTransport"
    case nio = "NIOHTTPTransport"

    var testDescription: String { rawValue }

    /// The process-wide transport of this kind.
    var shared: any HTTPTransport {
        switch self {
        case .asyncHTTPClient: AsyncHTTPClientTransport.shared
        case .nio: NIOHTTPTransport.shared
        }
    }

    /// A transport of this kind with its own connections, to be shut down.
    func make(connectTimeout: Duration) -> any OwnedTransport {
        switch self {
        case .asyncHTTPClient: AsyncHTTPClientTransport(connectTimeout: connectTimeout)
        case .nio: NIOHTTPTransport(connectTimeout: connectTimeout)
        }
    }
}

/// A transport a test made, and shuts down.
protocol OwnedTransport: HTTPTransport {
    func shutdown() async throws
}

extension AsyncHTTPClientTransport: OwnedTransport {}
extension NIOHTTPTransport: OwnedTransport {}

extension LLMError {
    var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }
}

/// Runs `body` and returns the `LLMError` it threw; records an issue if it threw nothing or
/// something else.
func llmError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> LLMError? {
    do {
        try await body()
        Issue.record("expected an LLMError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as LLMError {
        return error
    } catch {
        Issue.record("expected an LLMError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Reads `body` until it throws: the text that came before, and the `LLMError` (recorded as an issue if the body
/// ended without one).
func readUntilError(_ body: TransportBody, sourceLocation: SourceLocation = #_sourceLocation) async -> (text: String, error: LLMError?) {
    var text = ""
    let error = await llmError({ for try await chunk in body { text += String(buffer: chunk) } }, sourceLocation: sourceLocation)
    return (text, error)
}

/// Shuts a server down in the background, for `defer`.
func shut(_ server: StubHTTPServer) {
    Task { try await server.shutdown() }
}

/// A TCP socket bound to an ephemeral port of 127.0.0.1, listening with `backlog` if one is given; its address tells
/// the port.
func loopbackSocket(listening backlog: CInt? = nil) throws -> (descriptor: CInt, address: sockaddr_in) {
    let descriptor = socket(AF_INET, streamSocketType, 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ready = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(descriptor, raw, length) == 0 && (backlog.map { listen(descriptor, $0) == 0 } ?? true)
                && getsockname(descriptor, raw, &length) == 0
        }
    }
    guard descriptor >= 0, ready else {
        if descriptor >= 0 { _ = close(descriptor) }
        throw SocketFailure()
    }
    return (descriptor, address)
}

#if canImport(Glibc)
let streamSocketType = CInt(SOCK_STREAM.rawValue)
#else
let streamSocketType = SOCK_STREAM
#endif

struct SocketFailure: Error {}

/// A port that refuses connections until `release()`. On Linux, a socket bound to it that never listens: the kernel
/// answers a connection with a reset, and nobody else can take the port meanwhile (a port merely given back could be
/// taken by another test's server or connection). macOS drops a connection to such a socket unanswered instead, so
/// there the port is given back at once.
struct RefusingPort {
    let port: Int
    private let socketDescriptor: CInt

    init() throws {
        #if os(Linux)
        let (descriptor, address) = try loopbackSocket()
        socketDescriptor = descriptor
        #else
        let (descriptor, address) = try loopbackSocket(listening: 1)
        _ = close(descriptor)
        socketDescriptor = -1
        #endif
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() {
        if socketDescriptor >= 0 { _ = close(socketDescriptor) }
    }
}

#if os(Linux)
/// A listening socket on 127.0.0.1 that never accepts. With its one-slot accept queue filled (the default),
/// further connection attempts get no answer; left empty, one connection completes and then hears nothing.
struct FullBacklogListener {
    let port: Int
    private let listener: CInt
    private let filler: CInt

    init(fillingTheQueue: Bool = true) throws {
        let (listener, boundAddress) = try loopbackSocket(listening: 0)
        var address = boundAddress
        // One completed connection fills the queue of a backlog-0 listener.
        let filler = socket(AF_INET, streamSocketType, 0)
        let connected = filler < 0 ? -1 : !fillingTheQueue ? 0 : withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                connect(filler, raw, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            if filler >= 0 { _ = Glibc.close(filler) }
            _ = Glibc.close(listener)
            throw SocketFailure()
        }
        self.listener = listener
        self.filler = filler
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(filler)
        _ = Glibc.close(listener)
    }
}
#endif
