import ArgumentParser
import Foundation
import LLMGateway
import Logging

/// `llm-gateway`: every client's wire format in, any provider out.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm-gateway",
        abstract: "Serve model aliases to OpenAI, Anthropic, Gemini and Ollama clients, from any provider.",
        subcommands: [Serve.self, Check.self, Keys.self, Usage.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the configured aliases until SIGTERM or SIGINT; SIGHUP reloads the configuration.")

        @Option(help: "The configuration file (YAML or JSON).")
        var config: String

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            // `LLM_LOG_LEVEL` sets every logger's level (info unless set); the access log writes at info, so `warning`
            // leaves only what went wrong.
            var level = Logger.Level.info
            if let named = environment["LLM_LOG_LEVEL"] {
                guard let given = Logger.Level(rawValue: named.lowercased()) else {
                    let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                    FileHandle.standardError.write(Data("LLM_LOG_LEVEL: \"\(named)\" is not a level (\(levels))\n".utf8))
                    throw ExitCode(3)
                }
                level = given
            }
            // StreamLogHandler's lines, made with less work (one is written a request).
            LoggingSystem.bootstrap { label in
                var handler = GatewayLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            do {
                let configuration = try GatewayConfiguration.load(file: config, environment: environment)
                let file = config
                try await Gateway.open(configuration: configuration, environment: environment).run(reload: {
                    try GatewayConfiguration.load(file: file, environment: ProcessInfo.processInfo.environment)
                })
            } catch let error as GatewayConfigurationError {
                FileHandle.standardError.write(Data("\(config): \(error)\n".utf8))
                throw ExitCode(3)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a configuration and explain what is wrong with it.")

        @Option(help: "The configuration file (YAML or JSON).")
        var config: String

        func run() throws {
            do {
                let configuration = try GatewayConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
                print("\(config): ok, \(configuration.models.count) model alias(es): \(configuration.models.map(\.name).joined(separator: ", "))")
            } catch {
                FileHandle.standardError.write(Data("\(config): \(error)\n".utf8))
                throw ExitCode(3)
            }
        }
    }
}
