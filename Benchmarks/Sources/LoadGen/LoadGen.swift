import BenchSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An open-loop load generator: requests sent at a fixed rate whatever the server's pace, each one's latency counted
/// from the moment it was due (so a server that falls behind shows it, rather than slowing the generator down:
/// no coordinated omission), exact percentiles of every sample.
///
///     LoadGen --url http://127.0.0.1:PORT/v1/chat/completions --body FILE [--header "authorization: Bearer K"]
///             [--rate 1000] [--seconds 10] [--warmup 2] [--connections 32] [--label NAME]
///     LoadGen --url ... --body FILE --hold 1000 --pid PID      1,000 streams held open; PID's resident memory
///
/// Prints one JSON line: latency (from due time to the last byte) and time to first body byte, p50 to max, in
/// microseconds; requests sent, answered 200, failed; the rate achieved.
@main
enum LoadGen {
    static func main() async throws {
        let options = Options()
        let url = URL(string: options.string("url", default: "http://127.0.0.1:8080/"))!
        let body = try Data(contentsOf: URL(fileURLWithPath: options.string("body", default: "/dev/null")))
        var headers = HTTPHeaders([("host", "\(url.host ?? "127.0.0.1"):\(url.port ?? 80)"), ("content-type", "application/json"),
                                   ("content-length", "\(body.count)")])
        let header = options.string("header", default: "")
        if let colon = header.firstIndex(of: ":") {
            headers.add(name: String(header[..<colon]), value: header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let target = Target(host: url.host ?? "127.0.0.1", port: url.port ?? 80, path: url.path.isEmpty ? "/" : url.path, headers: headers,
                            body: ByteBuffer(bytes: body))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let hold = options.int("hold", default: 0)
        if hold > 0 {
            try await holdStreams(target, count: hold, pid: options.int("pid", default: 0), group: group)
        } else {
            let run = Run(
                target: target, rate: options.double("rate", default: 1000), seconds: options.double("seconds", default: 10),
                warmup: options.double("warmup", default: 2), connections: options.int("connections", default: 32),
                label: options.string("label", default: ""))
            try await run.start(on: group.next())
        }
        try await group.shutdownGracefully()
    }

    /// Opens `count` streams at once, waits for each one's first body byte, then samples `pid`'s memory.
    static func holdStreams(_ target: Target, count: Int, pid: Int, group: EventLoopGroup) async throws {
        let loop = group.next()
        let counter = try await loop.submit { HoldCounter(total: count, loop: loop) }.get()
        let started = ContinuousClock.now
        var channels: [Channel] = []
        for _ in 0..<count {
            let channel = try await Connection.open(target, on: loop) { event in
                if case .firstByte = event { counter.arrived() }
                if case .failed = event { counter.failed() }
            }
            channel.eventLoop.execute { Connection.send(target, on: channel) }
            channels.append(channel)
        }
        try await counter.allArrived.futureResult.get()
        let opened = ContinuousClock.now - started
        try await Task.sleep(for: .seconds(2))
        let memory = residentMemory(of: pid)
        emitResult([
            "mode": "hold", "streams": count, "failed": try await loop.submit { counter.failures }.get(),
            "open_seconds": opened.seconds, "rss_mib": memory.rss, "hwm_mib": memory.hwm,
        ])
        for channel in channels { try? await channel.close() }
    }

    /// VmRSS and VmHWM of a process, in MiB (zeros when it cannot be read).
    static func residentMemory(of pid: Int) -> (rss: Double, hwm: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }
}

struct Target: Sendable {
    var host: String
    var port: Int
    var path: String
    var headers: HTTPHeaders
    var body: ByteBuffer
}

/// Counts the held streams' first bytes; everything runs on one event loop.
final class HoldCounter: @unchecked Sendable {
    let total: Int
    private(set) var failures = 0
    private var arrivedCount = 0
    let allArrived: EventLoopPromise<Void>

    init(total: Int, loop: EventLoop) {
        self.total = total
        allArrived = loop.makePromise()
    }

    func arrived() {
        arrivedCount += 1
        if arrivedCount + failures == total { allArrived.succeed(()) }
    }

    func failed() {
        failures += 1
        if arrivedCount + failures == total { allArrived.succeed(()) }
    }
}
