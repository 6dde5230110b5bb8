import BenchSupport
import NIOCore

/// One fixed-rate run: requests due every 1/rate seconds, each sent on an idle connection or queued until one is free.
/// Everything happens on one event loop, so the state needs no lock.
final class Run: @unchecked Sendable {
    let target: Target
    let rate: Double
    let seconds: Double
    let warmup: Double
    let connectionCount: Int
    let label: String

    private var idle: [Channel] = []
    /// Requests due while every connection was busy, oldest first from `nextWaiting` (an array read from the front
    /// rather than emptied from it: a server that falls behind queues thousands).
    private var waiting: [(number: Int, due: NIODeadline)] = []
    private var nextWaiting = 0
    private var inFlight: [ObjectIdentifier: (number: Int, due: NIODeadline, firstByte: NIODeadline?)] = [:]
    private var latencies: [Double] = []
    private var firstBytes: [Double] = []
    private var sent = 0
    private var ok = 0
    private var failed = 0
    private var finished = 0
    private var measuredStart: NIODeadline = .now()
    private var total = 0
    private var done: EventLoopPromise<Void>?

    init(target: Target, rate: Double, seconds: Double, warmup: Double, connections: Int, label: String) {
        self.target = target
        self.rate = rate
        self.seconds = seconds
        self.warmup = warmup
        connectionCount = connections
        self.label = label
    }

    func start(on loop: EventLoop) async throws {
        var channels: [Channel] = []
        for _ in 0..<connectionCount {
            let box = ChannelBox()
            let channel = try await Connection.open(target, on: loop) { [self] event in self.handle(event, on: box.channel!) }
            box.channel = channel
            channels.append(channel)
        }
        let opened = channels
        let finishedRun = try await loop.submit { () -> EventLoopFuture<Void> in
            self.idle = opened
            self.done = loop.makePromise()
            self.total = Int((self.warmup + self.seconds) * self.rate)
            let interval = TimeAmount.nanoseconds(Int64(1_000_000_000 / self.rate))
            let first = NIODeadline.now() + .milliseconds(50)
            self.measuredStart = first + .nanoseconds(Int64(self.warmup * 1_000_000_000))
            for number in 0..<self.total {
                let due = first + interval * Int64(number)
                loop.scheduleTask(deadline: due) { self.dispatch(number, due: due) }
            }
            return self.done!.futureResult
        }.get()
        // Whatever has not answered 10 s after the last request was due counts as failed.
        let deadline = Task {
            try await Task.sleep(for: .seconds(warmup + seconds + 10))
            loop.execute { self.done?.succeed(()) }
        }
        try await finishedRun.get()
        deadline.cancel()
        let summary = try await loop.submit { self.summary() }.get()
        emitResult(summary)
        for channel in channels { try? await channel.close() }
    }

    private func dispatch(_ number: Int, due: NIODeadline) {
        sent += 1
        guard let channel = idle.popLast() else {
            waiting.append((number, due))
            return
        }
        send(number, due: due, on: channel)
    }

    private func send(_ number: Int, due: NIODeadline, on channel: Channel) {
        inFlight[ObjectIdentifier(channel)] = (number, due, nil)
        Connection.send(target, on: channel)
    }

    private func handle(_ event: Connection.Event, on channel: Channel) {
        let id = ObjectIdentifier(channel)
        guard let request = inFlight[id] else { return }
        let now = NIODeadline.now()
        switch event {
        case .firstByte:
            inFlight[id]?.firstByte = now
            return
        case .finished(let status):
            inFlight[id] = nil
            if status == 200 { ok += 1 } else { failed += 1 }
            if request.due >= measuredStart, status == 200 {
                latencies.append(Double((now - request.due).nanoseconds) / 1000)
                firstBytes.append(Double(((request.firstByte ?? now) - request.due).nanoseconds) / 1000)
            }
            if nextWaiting == waiting.count {
                idle.append(channel)
            } else {
                let next = waiting[nextWaiting]
                nextWaiting += 1
                send(next.number, due: next.due, on: channel)
            }
        case .failed:
            inFlight[id] = nil
            failed += 1
        }
        finished += 1
        if finished == total { done?.succeed(()) }
    }

    private func summary() -> [String: any Sendable] {
        let sortedLatencies = latencies.sorted()
        let sortedFirstBytes = firstBytes.sorted()
        // No answer at all (a server that could not keep up) reports zeros, with `measured` 0.
        func p(_ values: [Double], _ q: Double) -> Double { values.isEmpty ? 0 : percentile(values, q) }
        return [
            "label": label, "rate": rate, "seconds": seconds, "sent": sent, "ok": ok, "failed": failed + (total - finished),
            "measured": latencies.count, "achieved_rps": Double(latencies.count) / seconds,
            "p50_us": p(sortedLatencies, 0.5), "p90_us": p(sortedLatencies, 0.9), "p99_us": p(sortedLatencies, 0.99),
            "p999_us": p(sortedLatencies, 0.999), "max_us": sortedLatencies.last ?? 0,
            "ttfb_p50_us": p(sortedFirstBytes, 0.5), "ttfb_p99_us": p(sortedFirstBytes, 0.99),
        ]
    }
}

/// The channel a connection's callback reports on, set once it is open.
final class ChannelBox: @unchecked Sendable {
    var channel: Channel?
}
