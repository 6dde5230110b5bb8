import AsyncHTTPClient
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LLMError {
    /// Turns any error of the HTTP stack (AsyncHTTPClient, SwiftNIO, TLS) into an ``LLMError``.
    ///
    /// Reasons are short and never quote request data: header values may hold API keys, so
    /// only error codes and fixed phrases go into them.
    init(transportError error: any Error) {
        switch error {
        case let error as LLMError:
            self = error
        case is CancellationError:
            self = .cancelled
        case let error as HTTPClientError:
            self = Self.mapping(error)
        case let error as ChannelError:
            self = Self.mapping(error)
        case let error as IOError:
            self = Self.mapping(errno: error.errnoCode)
        case HTTPParserError.invalidEOFState:
            self = .network(reason: "connection closed before the response was complete")
        case let error as HTTPParserError:
            self = .network(reason: "invalid HTTP response (\(error))")
        default:
            self = Self.mappingUnknown(error)
        }
    }

    private static func mapping(_ error: HTTPClientError) -> LLMError {
        switch error {
        case .cancelled:
            return .cancelled
        case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout,
            .httpProxyHandshakeTimeout:
            return .timeout(.connect)
        case .readTimeout:
            return .timeout(.idle)
        case .deadlineExceeded:
            return .timeout(.total)
        case .remoteConnectionClosed:
            return .network(reason: "connection closed by the server")
        default:
            // `shortDescription` never contains associated values (such as offending header values).
            return .network(reason: error.shortDescription.lowercased())
        }
    }

    private static func mapping(_ error: ChannelError) -> LLMError {
        switch error {
        case .connectTimeout:
            return .timeout(.connect)
        case .eof, .ioOnClosedChannel, .alreadyClosed, .inputClosed, .outputClosed:
            return .network(reason: "connection closed")
        default:
            return .network(reason: "channel error")
        }
    }

    private static func mapping(errno code: CInt) -> LLMError {
        switch code {
        case ECONNREFUSED: return .network(reason: "connection refused")
        case ECONNRESET: return .network(reason: "connection reset by peer")
        case ECONNABORTED: return .network(reason: "connection aborted")
        case EPIPE: return .network(reason: "connection closed (broken pipe)")
        case ETIMEDOUT: return .network(reason: "connection timed out")
        case EHOSTUNREACH: return .network(reason: "host unreachable")
        case ENETUNREACH: return .network(reason: "network unreachable")
        case ENETDOWN: return .network(reason: "network down")
        default: return .network(reason: "I/O error \(code)")
        }
    }

    /// Errors of modules the LLM target does not import (NIOPosix, NIOSSL), recognised by name.
    private static func mappingUnknown(_ error: any Error) -> LLMError {
        let typeName = String(describing: type(of: error))
        if typeName == "NIOConnectionError" {
            return mappingConnectionError(error)
        }
        if typeName.contains("SSL") || typeName.contains("TLS") {
            // TLS errors describe certificates and handshake failures, never request headers.
            return .network(reason: "TLS error: " + String(String(describing: error).prefix(200)))
        }
        return .network(reason: "unexpected error (\(typeName))")
    }

    /// NIOPosix's `NIOConnectionError` lists one error per address tried; the first says enough.
    private static func mappingConnectionError(_ error: any Error) -> LLMError {
        let fields = Dictionary(
            Mirror(reflecting: error).children.compactMap { child in child.label.map { ($0, child.value) } },
            uniquingKeysWith: { first, _ in first }
        )
        let host = fields["host"].map { String(describing: $0) } ?? "host"
        if isPresent(fields["dnsAError"]) || isPresent(fields["dnsAAAAError"]) {
            return .network(reason: "could not resolve \(host)")
        }
        if let attempts = fields["connectionErrors"] as? [Any] {
            for attempt in attempts {
                let attemptError = Mirror(reflecting: attempt).children.first { $0.label == "error" }?.value
                if let attemptError = attemptError as? any Error {
                    return LLMError(transportError: attemptError)
                }
            }
        }
        return .network(reason: "could not connect to \(host)")
    }

    private static func isPresent(_ optional: Any?) -> Bool {
        guard let optional else { return false }
        let mirror = Mirror(reflecting: optional)
        return mirror.displayStyle != .optional || !mirror.children.isEmpty
    }
}
