import BenchSupport
import Foundation
import NIOCore
import NIOPosix

/// The loopback replay server of the benchmarks.
///
///     BenchServer --transcripts DIR [--port 0] [--threads 1] [--tick-ms 1000] [--lifetime 3600]
///
/// Prints `PORT <n>` once it listens on 127.0.0.1, and exits by itself after `--lifetime` seconds.
@main
enum BenchServer {
    static func main() async throws {
        let options = Options()
        let responses = try Responses(transcriptDirectory: options.string("transcripts", default: "."))
        let tick = TimeAmount.milliseconds(Int64(options.int("tick-ms", default: 1000)))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: options.int("threads", default: 1))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(responses: responses, tick: tick))
                }
            }
            .bind(host: "127.0.0.1", port: options.int("port", default: 0)).get()
        // Unbuffered, so the script reading it sees the port at once.
        FileHandle.standardOutput.write(Data("PORT \(channel.localAddress?.port ?? 0)\n".utf8))
        try await Task.sleep(for: .seconds(options.int("lifetime", default: 3600)))
        try await channel.close()
        try await group.shutdownGracefully()
    }
}
