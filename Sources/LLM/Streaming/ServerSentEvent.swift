import NIOCore

/// One event dispatched from a `text/event-stream` body.
public struct ServerSentEvent: Sendable, Hashable {
    /// The event type; `"message"` when the stream gave no `event` field.
    public var event: String
    /// The event's data as it came, with multiple `data` lines joined by a line feed. Reading it makes no
    /// `String`: the library parses each event's JSON from these bytes, usually a slice of the body's chunk.
    public var dataBuffer: ByteBuffer
    /// The last event ID buffer at dispatch; `nil` if the stream never set one.
    public var id: String?
    /// The `retry` field of this event, in milliseconds, if a valid one came.
    public var retry: Int?

    /// The event's data as text (invalid UTF-8 replaced), with multiple `data` lines joined by `"\n"`.
    public var data: String {
        get { String(buffer: dataBuffer) }
        set { dataBuffer = ByteBuffer(string: newValue) }
    }

    /// Creates an event.
    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.init(event: event, dataBuffer: ByteBuffer(string: data), id: id, retry: retry)
    }

    /// Creates an event from its data's bytes.
    public init(event: String = "message", dataBuffer: ByteBuffer, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.dataBuffer = dataBuffer
        self.id = id
        self.retry = retry
    }

    /// Two events are equal when their fields are, the data compared as text (as when it was a `String`:
    /// invalid UTF-8 reads as U+FFFD, and canonically equivalent text is equal).
    public static func == (left: ServerSentEvent, right: ServerSentEvent) -> Bool {
        left.event == right.event && left.id == right.id && left.retry == right.retry && left.data == right.data
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(event)
        hasher.combine(data)
        hasher.combine(id)
        hasher.combine(retry)
    }

    /// Whether the data is empty, which some servers send as a keep-alive.
    var dataIsEmpty: Bool { dataBuffer.readableBytes == 0 }

    /// Whether the data is exactly `text` (such as OpenAI's `[DONE]`), compared without making a `String`.
    func dataIs(_ text: StaticString) -> Bool {
        text.withUTF8Buffer { wanted in
            dataBuffer.withUnsafeReadableBytes { ByteSearch.same(UnsafeRawBufferPointer(wanted), $0) }
        }
    }
}
