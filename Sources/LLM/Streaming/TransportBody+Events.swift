import NIOCore

/// Whether a stream consumer wants more events.
public enum StreamControl: Sendable {
    case `continue`
    case stop
}

extension TransportBody {
    /// Decodes the body as server-sent events and hands each to `handle` until it answers `.stop` or the
    /// body ends. Returns true when `handle` stopped the stream (it saw the provider's end marker).
    public func forEachServerSentEvent(_ handle: (ServerSentEvent) throws -> StreamControl) async throws -> Bool {
        var decoder = SSEDecoder()
        for try await buffer in self {
            for event in decoder.decode(buffer) where try handle(event) == .stop {
                return true
            }
        }
        for event in decoder.finish() where try handle(event) == .stop {
            return true
        }
        return false
    }

    /// Decodes the body as newline-delimited JSON and hands each line to `handle` until it answers `.stop`
    /// or the body ends. Returns true when `handle` stopped the stream.
    public func forEachJSONLine(_ handle: (ByteBuffer) throws -> StreamControl) async throws -> Bool {
        var decoder = NDJSONDecoder()
        for try await buffer in self {
            for line in decoder.decode(buffer) where try handle(line) == .stop {
                return true
            }
        }
        if let last = decoder.finish(), try handle(last) == .stop {
            return true
        }
        return false
    }
}
