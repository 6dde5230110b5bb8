import Foundation
import LLMGateway

/// The gateway's store alone, as a request uses it: one admission, then one settlement. First one request at a time
/// (the latency of a round when nothing else waits), then from many concurrent callers (what the group commit makes of
/// a crowd).
///
/// usage: StoreBench sqlite PATH | postgres URL  [requests (5000)] [callers (64)]
@main
struct StoreBench {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count >= 2 else {
            print("usage: StoreBench sqlite PATH | postgres URL [requests] [callers]")
            return
        }
        let requests = arguments.count > 2 ? Int(arguments[arguments.startIndex + 2]) ?? 5000 : 5000
        let callers = arguments.count > 3 ? Int(arguments[arguments.startIndex + 3]) ?? 64 : 64
        let store: any GatewayStore = switch arguments.first! {
        case "postgres": try await PostgresGatewayStore.open(url: arguments[arguments.startIndex + 1], schema: "storebench_\(getpid())")
        default: try await SQLiteGatewayStore.open(path: arguments[arguments.startIndex + 1])
        }
        let key = StoredKey(
            id: "key_bench_\(getpid())", name: "bench", hash: "hash_\(getpid())", rpm: 100_000_000, tpm: 1_000_000_000_000,
            budget: Picodollars(dollars: 1_000_000), createdAt: Date())
        try await store.insertKey(key)

        var sequential: [Double] = []
        let writtenBefore = bytesWritten()
        for index in 0..<min(requests, 2000) {
            let start = ContinuousClock.now
            try await request(index, key: key, store: store, prefix: "s")
            sequential.append(microseconds(ContinuousClock.now - start))
        }
        let writtenPerRequest = writtenBefore.flatMap { before in bytesWritten().map { ($0 - before) / sequential.count } }
        sequential.sort()
        print("one at a time: p50 \(sequential[sequential.count / 2]) us, p99 \(sequential[sequential.count * 99 / 100]) us (admit + settle)")
        if let writtenPerRequest { print("one at a time: \(writtenPerRequest) bytes written a request (WAL and checkpoints)") }

        let start = ContinuousClock.now
        let cpuBefore = cpuMicroseconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    for index in stride(from: caller, to: requests, by: callers) {
                        try await request(index, key: key, store: store, prefix: "c")
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = microseconds(ContinuousClock.now - start) / 1_000_000
        let cpu = (cpuMicroseconds() - cpuBefore) / Double(requests)
        print("\(callers) callers: \(Int(Double(requests) / seconds)) requests/s (admit + settle each), \(Int(cpu)) us of CPU a request")
        try await store.close()
    }

    static func request(_ index: Int, key: StoredKey, store: any GatewayStore, prefix: String) async throws {
        let id = "\(prefix)\(index)-\(getpid())"
        let now = Date()
        guard try await store.admit(Admission(requestID: id, key: key, tokens: 100, cost: Picodollars(1_000_000), now: now)) == .admitted else {
            fatalError("refused")
        }
        try await store.settle(LedgerRow(
            requestID: id, time: now, keyID: key.id, alias: "whole", provider: "llamacpp", model: "bench", format: "openai-chat", streamed: false,
            status: 200, errorKind: nil, inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0,
            cost: Picodollars(500_000), latencyMilliseconds: 1, timeToFirstTokenMilliseconds: nil))
    }

    /// The CPU time (user and system) this process has used so far.
    static func cpuMicroseconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return [usage.ru_utime, usage.ru_stime].reduce(0.0) { $0 + Double($1.tv_sec) * 1_000_000 + Double($1.tv_usec) }
    }

    /// The bytes this process has written to files and sockets so far (Linux's /proc/self/io `wchar`), if known.
    static func bytesWritten() -> Int? {
        guard let io = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return nil }
        let line = io.split(separator: "\n").first { $0.hasPrefix("wchar:") }
        return line.flatMap { Int($0.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces)) }
    }

    static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000_000 + Double(duration.components.attoseconds) / 1_000_000_000_000
    }
}
