import NIOCore
import NIOHTTP1

/// A request as ``StubHTTPServer`` received it.
public struct StubRequest: Sendable {
    /// The method, e.g. `"POST"`.
    public var method: String
    /// The request target as sent, path and query, e.g. `"/v1/messages?beta=true"`.
    public var uri: String
    /// The request headers.
    public var headers: HTTPHeaders
    /// The body, decoded as UTF-8 (invalid bytes replaced).
    public var body: String

    /// The path part of ``uri``, without the query.
    public var path: String {
        String(uri.prefix { $0 != "?" })
    }

    /// The first value of the header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers.first(name: name)
    }

    public init(method: String, uri: String, headers: HTTPHeaders, body: String) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }
}

/// A script for one response of ``StubHTTPServer``: a status, headers, and actions played in order.
///
/// The head (status and headers) goes out with the first action that writes — ``Action/head``,
/// a send or ``Action/end`` — so a ``Action/pause(_:)`` before it delays the head. A script
/// that runs out of actions ends the response. Unless the headers give a `content-length`, the
/// body uses chunked transfer encoding, one chunk per send.
public struct StubResponse: Sendable {
    /// One step of a response script.
    public enum Action: Sendable {
        /// Send the head now, if not yet sent.
        case head
        /// Send these bytes as one body chunk (the head first, if not yet sent).
        case sendBytes([UInt8])
        /// Wait this long before the next action.
        case pause(Duration)
        /// Close the connection at once (a FIN), in the middle of the response.
        case closeConnection
        /// Reset the connection (an RST, by closing with a zero linger time).
        case resetConnection
        /// End the response (the head first, if not yet sent); the connection stays open.
        case end

        /// Send `text` as one body chunk, UTF-8 encoded.
        public static func send(_ text: String) -> Action {
            .sendBytes(Array(text.utf8))
        }
    }

    /// The HTTP status code.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// What to do, in order.
    public var actions: [Action]

    public init(status: Int = 200, headers: HTTPHeaders = [:], actions: [Action]) {
        self.status = status
        self.headers = headers
        self.actions = actions
    }

    /// A complete JSON response with a `content-length`, sent in one piece.
    public static func json(_ status: Int = 200, _ body: String, headers: HTTPHeaders = [:]) -> StubResponse {
        var allHeaders = headers
        allHeaders.replaceOrAdd(name: "content-type", value: "application/json")
        allHeaders.replaceOrAdd(name: "content-length", value: String(body.utf8.count))
        return StubResponse(status: status, headers: allHeaders, actions: [.send(body), .end])
    }

    /// A server-sent-events stream, one chunk per event.
    ///
    /// Each string is one event as written on the wire without its closing blank line, e.g.
    /// `"data: {\"text\":\"hi\"}"` or `"event: ping\ndata: {}"`; the blank line is added.
    public static func sse(_ events: [String], status: Int = 200, headers: HTTPHeaders = [:]) -> StubResponse {
        var allHeaders = headers
        allHeaders.replaceOrAdd(name: "content-type", value: "text/event-stream")
        allHeaders.replaceOrAdd(name: "cache-control", value: "no-cache")
        return StubResponse(status: status, headers: allHeaders, actions: events.map { .send($0 + "\n\n") } + [.end])
    }
}
