import ArgumentParser
import Foundation
import LLM
import LLMGateway

/// `llm-gateway keys create|list|show|update|revoke`: the admin API's key calls, on the store the configuration names,
/// with no gateway running. Answers are the admin API's JSON.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, show, update and revoke client keys in the configured store.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Revoke.self])

    /// The settings both create and update take; "none" clears a limit on update.
    struct Settings: ParsableArguments {
        @Option(help: "The aliases the key may use, comma-separated (default: all; \"all\" on update).") var models: String?
        @Option(help: "Requests a minute (\"none\" clears it).") var rpm: String?
        @Option(help: "Tokens a minute (\"none\" clears it).") var tpm: String?
        @Option(help: "The budget in US dollars (\"none\" clears it).") var budgetUsd: String?
        @Option(help: "total, daily or monthly.") var budgetPeriod: String?
        @Option(help: "When the key stops working: ISO 8601 or Unix seconds (\"none\" clears it).") var expiresAt: String?

        /// As the admin API's JSON body.
        func body() throws -> [String: JSONValue] {
            var body: [String: JSONValue] = [:]
            if let models { body["models"] = models == "all" ? .null : .array(models.split(separator: ",").map { .string(String($0)) }) }
            for (name, value) in [("rpm", rpm), ("tpm", tpm)] {
                guard let value else { continue }
                guard value != "none" else { body[name] = .null; continue }
                guard let number = Int(value) else { throw ValidationError("--\(name): a whole number or none") }
                body[name] = .int(number)
            }
            if let budgetUsd {
                if budgetUsd == "none" {
                    body["budget_usd"] = .null
                } else {
                    guard let dollars = Double(budgetUsd) else { throw ValidationError("--budget-usd: a number of dollars or none") }
                    body["budget_usd"] = .double(dollars)
                }
            }
            if let budgetPeriod { body["budget_period"] = .string(budgetPeriod) }
            if let expiresAt { body["expires_at"] = expiresAt == "none" ? .null : .string(expiresAt) }
            return body
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed this once.")
        @Option(help: "The configuration file (YAML or JSON).") var config: String
        @Option(help: "What the key is for.") var name: String
        @OptionGroup var settings: Settings

        func run() async throws {
            var body = try settings.body()
            body["name"] = .string(name)
            try await administer(config) { try await $0.create(body) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key, with its use in its budget period.")
        @Option(help: "The configuration file (YAML or JSON).") var config: String
        func run() async throws { try await administer(config) { try await $0.list() } }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One key.")
        @Option(help: "The configuration file (YAML or JSON).") var config: String
        @Argument(help: "The key's id (key_…).") var id: String
        func run() async throws { try await administer(config) { try await $0.show(id) } }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a key's settings.")
        @Option(help: "The configuration file (YAML or JSON).") var config: String
        @Argument(help: "The key's id (key_…).") var id: String
        @Option(help: "A new name.") var name: String?
        @OptionGroup var settings: Settings

        func run() async throws {
            var body = try settings.body()
            if let name { body["name"] = .string(name) }
            try await administer(config) { try await $0.update(id, body) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key at once.")
        @Option(help: "The configuration file (YAML or JSON).") var config: String
        @Argument(help: "The key's id (key_…).") var id: String
        func run() async throws { try await administer(config) { try await $0.revoke(id) } }
    }
}

/// `llm-gateway usage`: the ledger, summed by key, alias or model.
struct Usage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sum the usage ledger by key, alias or model.")
    @Option(help: "The configuration file (YAML or JSON).") var config: String
    @Option(help: "From this time (ISO 8601 or Unix seconds).") var since: String?
    @Option(help: "Until this time.") var until: String?
    @Option(help: "key, alias or model.") var by: String = "key"

    func run() async throws {
        guard let grouping = KeyAdministration.Grouping(rawValue: by) else { throw ValidationError("--by: key, alias or model") }
        try await administer(config) { administration in
            let query = try KeyAdministration.query(keyID: nil, alias: nil, since: since, until: until, limit: "100000")
            return try await administration.usage(query, by: grouping)
        }
    }
}

/// Opens the configuration's store, runs `call` and prints its answer as JSON; a refusal or a bad configuration is
/// an error message and exit code 3.
func administer(_ file: String, _ call: (KeyAdministration) async throws -> JSONValue) async throws {
    do {
        let configuration = try GatewayConfiguration.load(file: file, environment: ProcessInfo.processInfo.environment)
        guard let store = try await Gateway.openStore(configuration.store) else {
            throw GatewayConfigurationError("store: the configuration names no store, so there are no keys")
        }
        defer { Task { try? await store.close() } }
        print(try await call(KeyAdministration(store: store)).jsonString)
    } catch let error as KeyAdministration.Refusal {
        FileHandle.standardError.write(Data("\(error.message)\n".utf8))
        throw ExitCode(3)
    } catch let error as GatewayConfigurationError {
        FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
        throw ExitCode(3)
    }
}
