import Foundation
import NIOCore
import NIOPosix

/// A real HTTP proxy for the tests: Debian's squid, started on a free port of 127.0.0.1 with Basic credentials
/// (`user` / `proxy-pass`), no cache, and an access log the tests read to see what went through it.
/// `scripts/test.sh` installs squid; a machine without it fails these tests with a message saying so.
final class SquidProxy: @unchecked Sendable {
    static let username = "user"
    static let password = "proxy-pass"

    let port: Int
    private let directory: URL
    private let process: Process

    /// `http://user:proxy-pass@127.0.0.1:PORT`, or with other credentials.
    func url(username: String = SquidProxy.username, password: String = SquidProxy.password) -> String {
        "http://\(username):\(password)@127.0.0.1:\(port)"
    }

    /// What squid logged of the requests it handled (one line each: method and URL or CONNECT target).
    var accessLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
    }

    /// The access log once it holds at least `count` lines with `text`: squid writes a line when a transaction
    /// ends, which may be just after the client has its reply. Gives up after 10 seconds.
    func accessLog(once count: Int, linesContain text: String) async -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let log = accessLog
            if log.split(separator: "\n").filter({ $0.contains(text) }).count >= count || ContinuousClock.now >= deadline {
                return log
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    static func start() async throws -> SquidProxy {
        let binary = "/usr/sbin/squid"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw SetupError("squid is not installed (scripts/test.sh installs Debian's squid)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // squid drops to its own user, which must be able to write its logs here.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        let hash = try run("/usr/bin/openssl", ["passwd", "-apr1", password]).trimmingCharacters(in: .whitespacesAndNewlines)
        try "\(username):\(hash)\n".write(to: directory.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
        let port = try await freePort()
        let configuration = """
            http_port 127.0.0.1:\(port)
            pid_filename \(directory.path)/squid.pid
            access_log stdio:\(directory.path)/access.log
            cache_log \(directory.path)/cache.log
            coredump_dir \(directory.path)
            cache deny all
            auth_param basic program /usr/lib/squid/basic_ncsa_auth \(directory.path)/passwd
            auth_param basic realm swift-llm-test
            acl authenticated proxy_auth REQUIRED
            http_access allow localhost authenticated
            http_access deny all
            shutdown_lifetime 0 seconds
            """
        let configurationFile = directory.appendingPathComponent("squid.conf")
        try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)
        for file in ["passwd", "squid.conf"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory.appendingPathComponent(file).path)
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-N", "-f", configurationFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let proxy = SquidProxy(port: port, directory: directory, process: process)
        guard await proxy.waitUntilListening(timeout: .seconds(20)) else {
            proxy.stop()
            let log = (try? String(contentsOf: directory.appendingPathComponent("cache.log"), encoding: .utf8)) ?? ""
            throw SetupError("squid did not start listening on \(port): \(log.suffix(500))")
        }
        return proxy
    }

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Kills squid (a test process may hold SIGTERM blocked, which its children inherit); its helpers end when
    /// their pipes from it close.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Polls until a TCP connection to the port succeeds.
    private func waitUntilListening(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            {
                try? await channel.close().get()
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// A port nothing listens on now: bound, then released.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close().get()
        return port
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
