import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with a scripted response, so the CLI
/// can be run end to end (real provider, real HTTP) without a model server. One connection per request.
final class CLIStubServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var body: String
    }

    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: String

        static func json(_ body: String, status: Int = 200) -> Response {
            Response(status: status, contentType: "application/json", body: body)
        }

        static func sse(_ body: String) -> Response {
            Response(status: 200, contentType: "text/event-stream", body: body)
        }
    }

    struct SocketError: Error { var call: String }

    let port: Int
    private let listener: Int32
    private let respond: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var received: [Request] = []

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [Request] { lock.withLock { received } }

    init(respond: @escaping @Sendable (Request) -> Response) throws {
        #if canImport(Darwin)
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { throw SocketError(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0  // any free port
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw SocketError(call: "bind/listen")
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.respond = respond
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let request = readRequest(client) else { return }
        lock.withLock { received.append(request) }
        let response = respond(request)
        let body = Array(response.body.utf8)
        let head =
            "HTTP/1.1 \(response.status) Stub\r\ncontent-type: \(response.contentType)\r\n"
            + "content-length: \(body.count)\r\nconnection: close\r\n\r\n"
        writeAll(client, Array(head.utf8) + body)
    }

    private func readRequest(_ client: Int32) -> Request? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        func readMore() -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            bytes += chunk[0..<count]
            return true
        }
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = bytes.firstRange(of: separator)?.upperBound
            if headEnd == nil, !readMore() { return nil }
        }
        let head = String(decoding: bytes[..<headEnd!], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8]
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            // Read until the terminating zero-size chunk, then decode.
            while !bytes[headEnd!...].starts(with: Array("0\r\n\r\n".utf8)),
                bytes[headEnd!...].firstRange(of: Array("\r\n0\r\n\r\n".utf8)) == nil
            {
                if !readMore() { break }
            }
            body = Self.dechunk(Array(bytes[headEnd!...]))
        } else {
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while bytes.count - headEnd! < length {
                if !readMore() { break }
            }
            body = Array(bytes[headEnd!...].prefix(length))
        }
        return Request(
            method: String(requestLine[0]), path: String(requestLine[1]), body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        let crlf = Array("\r\n".utf8)
        while let lineEnd = bytes[index...].firstRange(of: crlf) {
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard start + size <= bytes.count else { break }
            result += bytes[start..<start + size]
            index = start + size + 2
            guard index <= bytes.count else { break }
        }
        return result
    }

    private func writeAll(_ client: Int32, _ bytes: [UInt8]) {
        #if canImport(Darwin)
        let flags: Int32 = 0
        #else
        let flags = Int32(MSG_NOSIGNAL)  // a client that hung up must not kill the test process
        #endif
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, flags) }
            guard written > 0 else { return }
            offset += written
        }
    }
}

/// OpenAI Chat Completions wire snippets for the stub server.
enum CLIWire {
    /// A streamed reply: one chunk per text piece, then `finish`, usage and `[DONE]`.
    static func stream(text pieces: [String], toolCall: (name: String, arguments: String)? = nil) -> String {
        var chunks: [String] = []
        func chunk(_ delta: String, finish: String? = nil) -> String {
            let reason = finish.map { "\"\($0)\"" } ?? "null"
            return #"{"id":"chatcmpl-stub","object":"chat.completion.chunk","model":"stub-model","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"#
        }
        chunks.append(chunk(#"{"role":"assistant","content":""}"#))
        for piece in pieces { chunks.append(chunk(#"{"content":\#(quoted(piece))}"#)) }
        if let toolCall {
            chunks.append(
                chunk(
                    #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":\#(quoted(toolCall.name)),"arguments":\#(quoted(toolCall.arguments))}}]}"#
                ))
        }
        chunks.append(chunk("{}", finish: toolCall == nil ? "stop" : "tool_calls"))
        chunks.append(
            #"{"id":"chatcmpl-stub","object":"chat.completion.chunk","model":"stub-model","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"#
        )
        return chunks.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
    }

    /// A non-streamed reply.
    static func completion(text: String) -> String {
        #"{"id":"chatcmpl-stub","object":"chat.completion","model":"stub-model","choices":[{"index":0,"message":{"role":"assistant","content":\#(quoted(text))},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"#
    }

    static func error(type: String, code: String?, message: String) -> String {
        let code = code.map(quoted) ?? "null"
        return #"{"error":{"message":\#(quoted(message)),"type":\#(quoted(type)),"param":null,"code":\#(code)}}"#
    }

    private static func quoted(_ text: String) -> String {
        let data = try! JSONEncoder().encode(text)
        return String(decoding: data, as: UTF8.self)
    }
}
