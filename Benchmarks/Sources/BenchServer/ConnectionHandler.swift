import Foundation
import NIOCore

/// Serves one keep-alive connection: reads each request head (and body, by `content-length`),
/// then writes a prepared response picked by the path. A minimal parser instead of NIO's HTTP
/// pipeline keeps the server's cost per request and per byte as low as it can be.
///
/// Paths: `/stream/<provider>/...` a whole transcript, `/complete/...` the fixed completion,
/// `/hold/<ticks>/...` an OpenAI stream sending one event per tick, `/empty` an empty 200.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responses: Responses
    private let tick: TimeAmount
    private var pending = ByteBuffer()
    private var holding: RepeatedTask?

    init(responses: Responses, tick: TimeAmount) {
        self.responses = responses
        self.tick = tick
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        pending.writeBuffer(&chunk)
        while let request = nextRequest() {
            respond(to: request, context: context)
        }
        pending.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        holding?.cancel()
        holding = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private struct Request {
        var path: Substring
        var close: Bool
    }

    /// Takes one complete request out of `pending`, or nil until all of it has arrived.
    private func nextRequest() -> Request? {
        let view = pending.readableBytesView
        guard let headEnd = Self.endOfHead(view) else { return nil }
        let head = String(decoding: view[view.startIndex..<headEnd], as: UTF8.self)
        var length = 0
        var close = false
        for line in head.split(separator: "\r\n").dropFirst() {
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") {
                length = Int(lower.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
            } else if lower.hasPrefix("connection:"), lower.contains("close") {
                close = true
            }
        }
        let total = headEnd - view.startIndex + 4 + length
        guard pending.readableBytes >= total else { return nil }
        pending.moveReaderIndex(forwardBy: total)
        let requestLine = head.prefix { $0 != "\r" }
        let parts = requestLine.split(separator: " ")
        return Request(path: parts.count > 1 ? parts[1] : "/", close: close)
    }

    private static func endOfHead(_ view: ByteBufferView) -> Int? {
        var index = view.startIndex
        while index + 3 < view.endIndex {
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13, view[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }

    private func respond(to request: Request, context: ChannelHandlerContext) {
        let segments = request.path.split(separator: "/")
        let response: ByteBuffer
        switch segments.first {
        case "stream"? where segments.count > 1:
            response = responses.transcripts[String(segments[1])] ?? Self.notFound
        case "complete"?:
            response = responses.completion
        case "empty"?:
            response = responses.empty
        case "hold"? where segments.count > 1:
            hold(ticks: Int(segments[1]) ?? 10, context: context)
            return
        default:
            response = Self.notFound
        }
        let written = context.writeAndFlush(wrapOutboundOut(response))
        if request.close {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Sends the head and a first event at once, then one event per tick, then the end: a stream
    /// that stays open for `ticks` ticks, as a slow model would keep it.
    private func hold(ticks: Int, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(responses.holdStart), promise: nil)
        let channel = context.channel
        let responses = responses
        let sent = NIOLoopBoundBox(0, eventLoop: context.eventLoop)
        holding = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { task in
            sent.value += 1
            if sent.value >= ticks {
                task.cancel()
                channel.writeAndFlush(responses.holdEnd, promise: nil)
            } else {
                channel.writeAndFlush(responses.holdTick, promise: nil)
            }
        }
    }

    private static let notFound = ByteBuffer(string: "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
}
