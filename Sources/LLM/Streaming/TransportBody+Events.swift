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
        try await forEachMessage(SSEDecoder.self, handle)
    }

    /// Decodes the body as newline-delimited JSON and hands each line to `handle` until it answers `.stop`
    /// or the body ends. Returns true when `handle` stopped the stream.
    public func forEachJSONLine(_ handle: (ByteBuffer) throws -> StreamControl) async throws -> Bool {
        try await forEachMessage(NDJSONDecoder.self, handle)
    }

    private func forEachMessage<Framing: MessageFraming>(
        _ framing: Framing.Type, _ handle: (Framing.Message) throws -> StreamControl
    ) async throws -> Bool {
        var framing = Framing()
        var messages: [Framing.Message] = []  // one buffer for every chunk's messages
        for try await chunk in self {
            framing.messages(in: chunk, into: &messages)
            defer { messages.removeAllKeepingCapacity() }
            for message in messages where try handle(message) == .stop {
                return true
            }
        }
        for message in framing.remainingMessages() where try handle(message) == .stop {
            return true
        }
        return false
    }
}
