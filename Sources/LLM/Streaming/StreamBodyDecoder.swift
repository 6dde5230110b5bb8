import NIOCore

/// Turns the bytes of one streamed reply into ``StreamEvent``s, chunk by chunk, as they arrive.
///
/// A provider's decoder is its framing (``ServerSentEventBodyDecoder``, ``JSONLineBodyDecoder``: both a
/// ``FramedBodyDecoder``) around a mapping of each message. ``RetryingStream/make(runner:open:)`` drives it in the task that reads
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

/// How a wire format splits a body into messages, chunk by chunk (``SSEDecoder``, ``NDJSONDecoder``).
public protocol MessageFraming {
    associatedtype Message
    init()
    /// The messages the chunk completes.
    mutating func messages(in chunk: ByteBuffer) -> [Message]
    /// Appends the messages the chunk completes to `messages`, whose storage the caller reuses.
    mutating func messages(in chunk: ByteBuffer, into messages: inout [Message])
    /// At the end of the body: a last message that had no terminator, if any.
    mutating func remainingMessages() -> [Message]
}

extension MessageFraming {
    public mutating func messages(in chunk: ByteBuffer, into messages: inout [Message]) {
        messages += self.messages(in: chunk)
    }
}

extension SSEDecoder: MessageFraming {
    public mutating func messages(in chunk: ByteBuffer) -> [ServerSentEvent] { decode(chunk) }
    public mutating func messages(in chunk: ByteBuffer, into messages: inout [ServerSentEvent]) { decode(chunk, into: &messages) }
    public mutating func remainingMessages() -> [ServerSentEvent] { finish() }
}

extension NDJSONDecoder: MessageFraming {
    public mutating func messages(in chunk: ByteBuffer) -> [ByteBuffer] { decode(chunk) }
    public mutating func messages(in chunk: ByteBuffer, into messages: inout [ByteBuffer]) { decode(chunk, into: &messages) }
    public mutating func remainingMessages() -> [ByteBuffer] { finish().map { [$0] } ?? [] }
}

/// A body split by `Framing`, each message mapped by `Mapping`.
public struct FramedBodyDecoder<Framing: MessageFraming, Mapping: StreamMessageMapping>: StreamBodyDecoder
where Mapping.Message == Framing.Message {
    private var framing = Framing()
    private var mapping: Mapping
    private var sawEndMarker = false
    /// The messages of the current chunk; kept to reuse its storage.
    private var messages: [Mapping.Message] = []

    public init(_ mapping: Mapping) {
        self.mapping = mapping
    }

    public mutating func decode(_ chunk: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl {
        framing.messages(in: chunk, into: &messages)
        defer { messages.removeAllKeepingCapacity() }
        for message in messages where try mapping.map(message, into: &events) == .stop {
            sawEndMarker = true
            return .stop
        }
        return .continue
    }

    public mutating func finish(into events: inout [StreamEvent]) throws {
        if !sawEndMarker {
            for message in framing.remainingMessages() where try mapping.map(message, into: &events) == .stop {
                sawEndMarker = true
                break
            }
        }
        try mapping.finish(sawEndMarker: sawEndMarker, into: &events)
    }
}

/// A `text/event-stream` body, each event mapped by `Mapping`.
public typealias ServerSentEventBodyDecoder<Mapping: StreamMessageMapping> = FramedBodyDecoder<SSEDecoder, Mapping>
where Mapping.Message == ServerSentEvent

/// A newline-delimited JSON body, each line mapped by `Mapping`.
public typealias JSONLineBodyDecoder<Mapping: StreamMessageMapping> = FramedBodyDecoder<NDJSONDecoder, Mapping>
where Mapping.Message == ByteBuffer
