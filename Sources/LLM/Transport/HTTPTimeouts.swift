/// Time limits for one HTTP request, enforced by the transport.
///
/// The connect timeout is not here: it is a setting of the transport (its HTTP client), because
/// connections are pooled and shared between requests.
public struct HTTPTimeouts: Sendable, Hashable {
    /// Longest time from sending the request until the response head (status and headers) arrives.
    /// `nil` means no limit.
    public var firstByte: Duration?
    /// Longest silence between two chunks of the response body. `nil` means no limit.
    public var idle: Duration?
    /// Longest time for the whole request, from sending until the last body byte. `nil` means no limit.
    public var total: Duration?

    /// Creates a set of time limits; `nil` leaves a limit off.
    public init(firstByte: Duration? = nil, idle: Duration? = nil, total: Duration? = nil) {
        self.firstByte = firstByte
        self.idle = idle
        self.total = total
    }

    /// Two minutes until the head and between chunks, no total limit: generous enough for slow
    /// reasoning models, short enough to notice a dead connection.
    public static let `default` = HTTPTimeouts(firstByte: .seconds(120), idle: .seconds(120), total: nil)
}
