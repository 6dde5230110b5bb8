import NIOCore

/// Turns the bytes of one streamed reply into ``StreamEvent``s, chunk by chunk, as they arrive.
///
/// A provider's decoder is its framing (``ServerSentEventBodyDecoder``, ``JSONLineBodyDecoder``) around
/// a mapping of each message. ``RetryingStream/make(runner:open:)`` drives it in the task that reads
/// the stream.
public protocol StreamBodyDecoder {
    /// Decodes the next chunk of the body, appending the events it completes; `.stop` once the
    /// provider's end marker has come (the rest of the body is not read).
    mutating func decode(_ chunk: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl

    /// The body ended or its end marker came: appends the closing events, or throws when the reply was
    /// cut short.
    mutating func finish(into events: inout [StreamEvent]) throws
}

/// Maps the messages of one streamed reply (SSE events or JSON lines) to ``StreamEvent``s.
public protocol StreamMessageMapping {
    associatedtype Message

    /// Appends the events of one message; `.stop` when it was the provider's end marker.
    mutating func map(_ message: Message, into events: inout [StreamEvent]) throws -> StreamControl

    /// Appends the closing events; `sawEndMarker` says whether `map` answered `.stop`. Throws when the
    /// reply was cut short.
    mutating func finish(sawEndMarker: Bool, into events: inout [StreamEvent]) throws
}

/// A `text/event-stream` body, each event mapped by `Mapping`.
public struct ServerSentEventBodyDecoder<Mapping: StreamMessageMapping>: StreamBodyDecoder
where Mapping.Message == ServerSentEvent {
    private var framing = SSEDecoder()
    private var mapping: Mapping
    private var sawEndMarker = false

    public init(_ mapping: Mapping) {
        self.mapping = mapping
    }

    public mutating func decode(_ chunk: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl {
        for message in framing.decode(chunk) where try mapping.map(message, into: &events) == .stop {
            sawEndMarker = true
            return .stop
        }
        return .continue
    }

    public mutating func finish(into events: inout [StreamEvent]) throws {
        if !sawEndMarker {
            for message in framing.finish() where try mapping.map(message, into: &events) == .stop {
                sawEndMarker = true
                break
            }
        }
        try mapping.finish(sawEndMarker: sawEndMarker, into: &events)
    }
}

/// A newline-delimited JSON body, each line mapped by `Mapping`.
public struct JSONLineBodyDecoder<Mapping: StreamMessageMapping>: StreamBodyDecoder where Mapping.Message == ByteBuffer {
    private var framing = NDJSONDecoder()
    private var mapping: Mapping
    private var sawEndMarker = false

    public init(_ mapping: Mapping) {
        self.mapping = mapping
    }

    public mutating func decode(_ chunk: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl {
        for message in framing.decode(chunk) where try mapping.map(message, into: &events) == .stop {
            sawEndMarker = true
            return .stop
        }
        return .continue
    }

    public mutating func finish(into events: inout [StreamEvent]) throws {
        if !sawEndMarker, let last = framing.finish(), try mapping.map(last, into: &events) == .stop {
            sawEndMarker = true
        }
        try mapping.finish(sawEndMarker: sawEndMarker, into: &events)
    }
}
