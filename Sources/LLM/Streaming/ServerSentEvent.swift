/// One event dispatched from a `text/event-stream` body.
public struct ServerSentEvent: Sendable, Hashable {
    /// The event type; `"message"` when the stream gave no `event` field.
    public var event: String
    /// The event's data, with multiple `data` lines joined by `"\n"`.
    public var data: String
    /// The last event ID buffer at dispatch; `nil` if the stream never set one.
    public var id: String?
    /// The `retry` field of this event, in milliseconds, if a valid one came.
    public var retry: Int?

    /// Creates an event.
    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}
