import Foundation
import LLM
import Yams

/// What `llm-gateway` serves, read from a YAML (or JSON) file:
///
/// ```yaml
/// listen: 127.0.0.1:4000
/// allow_anonymous: true
/// models:
///   - name: smol                      # the alias clients ask for
///     targets:                        # in order: later ones are fallbacks
///       - model: llamacpp/smol        # provider/model, as ProviderRegistry reads it
///         base_url: http://127.0.0.1:8080/v1
///         api_key_env: SOME_VARIABLE  # optional: the variable holding the upstream key
///         weight: 1                   # optional: consecutive weighted targets share the load
///         price: {input_per_mtok: 0.1, output_per_mtok: 0.2}   # optional; else the built-in table
///     timeout_s: 120                  # how long a target may stay silent
///     max_retries: 2
///     cooldown_s: 30                  # a target failing cooldown_after times in a row is set aside this long
///     cooldown_after: 3
///   - name: openrouter/*              # a wildcard alias: clients ask for openrouter/<any model>...
///     targets: [{model: openrouter/*, api_key_env: OPENROUTER_API_KEY}]
///     allow: [anthropic/claude-*, openai/gpt-4o*]   # ...that these patterns allow
/// max_body_bytes: 8388608
/// ```
public struct GatewayConfiguration: Sendable, Decodable, Equatable {
    /// One upstream a model alias may be served by.
    public struct Target: Sendable, Decodable, Equatable {
        /// `provider/model`, e.g. `openai/gpt-4o-mini` or `llamacpp/smol`.
        public var model: String
        public var baseURL: String?
        /// The name of the environment variable that holds the upstream's key (never the key itself).
        public var apiKeyEnv: String?
        public var weight: Int?
        /// What the target charges; nil takes the library's built-in table (``PriceTable/builtIn``) by model name.
        public var price: Price?
        /// Where the target starts in the file it was read from, for error messages.
        public var line: Int?

        public init(model: String, baseURL: String? = nil, apiKeyEnv: String? = nil, weight: Int? = nil, price: Price? = nil) {
            self.model = model
            self.baseURL = baseURL
            self.apiKeyEnv = apiKeyEnv
            self.weight = weight
            self.price = price
        }

        enum CodingKeys: String, CodingKey {
            case model, weight, price
            case baseURL = "base_url"
            case apiKeyEnv = "api_key_env"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            model = try container.decode(String.self, forKey: .model)
            baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL)
            apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
            weight = try container.decodeIfPresent(Int.self, forKey: .weight)
            price = try container.decodeIfPresent(Price.self, forKey: .price)
            line = decoder.mark?.line
        }
    }

    /// A target's price in US dollars per million tokens (`price: {input_per_mtok: 0.1, output_per_mtok: 0.2}`).
    public struct Price: Sendable, Decodable, Equatable {
        public var inputPerMTok: Double
        public var outputPerMTok: Double
        public var cacheReadPerMTok: Double?
        public var cacheWritePerMTok: Double?

        public init(inputPerMTok: Double, outputPerMTok: Double, cacheReadPerMTok: Double? = nil, cacheWritePerMTok: Double? = nil) {
            self.inputPerMTok = inputPerMTok
            self.outputPerMTok = outputPerMTok
            self.cacheReadPerMTok = cacheReadPerMTok
            self.cacheWritePerMTok = cacheWritePerMTok
        }

        enum CodingKeys: String, CodingKey {
            case inputPerMTok = "input_per_mtok"
            case outputPerMTok = "output_per_mtok"
            case cacheReadPerMTok = "cache_read_per_mtok"
            case cacheWritePerMTok = "cache_write_per_mtok"
        }

        /// As the library's price, exact in decimal (a price read as a binary double, written back as its shortest text).
        var modelPrice: ModelPrice {
            func decimal(_ value: Double) -> Decimal { Decimal(string: "\(value)") ?? Decimal(value) }
            return ModelPrice(
                input: decimal(inputPerMTok), output: decimal(outputPerMTok), cacheRead: cacheReadPerMTok.map(decimal),
                cacheWrite: cacheWritePerMTok.map(decimal))
        }
    }

    /// A model name clients ask for, and the upstreams that serve it.
    public struct ModelAlias: Sendable, Decodable, Equatable {
        public var name: String
        public var targets: [Target]
        public var timeoutSeconds: Double?
        public var maxRetries: Int?
        /// How long a target that keeps failing is set aside (default 30 s), and after how many failures in a row
        /// (default 3).
        public var cooldownSeconds: Double?
        public var cooldownAfter: Int?
        /// The most output tokens a request may ask for on a key with a budget or a token limit (the request's own
        /// `max_tokens` is lowered to it, or set to it when absent, so that its reservation bounds its cost).
        public var maxOutputTokens: Int?
        /// For a wildcard alias (`name: openrouter/*`): the models it may pass on, as patterns with `*`
        /// (`anthropic/claude-*`). Without it, any model.
        public var allow: [String]?

        public init(
            name: String, targets: [Target], timeoutSeconds: Double? = nil, maxRetries: Int? = nil, cooldownSeconds: Double? = nil,
            cooldownAfter: Int? = nil, allow: [String]? = nil
        ) {
            self.name = name
            self.targets = targets
            self.timeoutSeconds = timeoutSeconds
            self.maxRetries = maxRetries
            self.cooldownSeconds = cooldownSeconds
            self.cooldownAfter = cooldownAfter
            self.allow = allow
        }

        /// Where the alias starts in the file it was read from, for error messages.
        public var line: Int?

        /// A name ending in `/*` serves every model under that prefix; `*` in its targets' models stands for the rest.
        public var isWildcard: Bool { name.hasSuffix("/*") }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            targets = try container.decode([Target].self, forKey: .targets)
            timeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
            maxRetries = try container.decodeIfPresent(Int.self, forKey: .maxRetries)
            cooldownSeconds = try container.decodeIfPresent(Double.self, forKey: .cooldownSeconds)
            cooldownAfter = try container.decodeIfPresent(Int.self, forKey: .cooldownAfter)
            allow = try container.decodeIfPresent([String].self, forKey: .allow)
            maxOutputTokens = try container.decodeIfPresent(Int.self, forKey: .maxOutputTokens)
            line = decoder.mark?.line
        }

        enum CodingKeys: String, CodingKey {
            case name, targets, allow
            case timeoutSeconds = "timeout_s"
            case maxRetries = "max_retries"
            case cooldownSeconds = "cooldown_s"
            case cooldownAfter = "cooldown_after"
            case maxOutputTokens = "max_output_tokens"
        }
    }

    /// `host:port` to listen on; port 0 picks a free one.
    public var listen: String
    /// Requests need no key (local use). False needs a `store`, where the keys are.
    public var allowAnonymous: Bool
    public var models: [ModelAlias]
    /// The largest request body accepted; larger ones get 413.
    public var maxBodyBytes: Int
    /// The variable holding the admin API's key (`Authorization: Bearer` on `/admin/...`); nil: no admin API.
    public var masterKeyEnv: String?
    /// Where keys, limits, budgets and the ledger live; nil: no keys and no ledger.
    public var store: StoreLocation?
    /// How long a request's reservation holds if its instance dies before settling it (default 600 s: longer than
    /// any request should take, since a live request past it would no longer count against its key).
    public var reservationHoldSeconds: Double

    /// `store: {sqlite: ./llm-gateway.db}` or `store: {postgres: "postgres://user@127.0.0.1:5432/db"}`.
    public enum StoreLocation: Sendable, Equatable, Decodable {
        case sqlite(path: String)
        case postgres(url: String)

        enum CodingKeys: String, CodingKey {
            case sqlite, postgres
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let sqlite = try container.decodeIfPresent(String.self, forKey: .sqlite)
            let postgres = try container.decodeIfPresent(String.self, forKey: .postgres)
            switch (sqlite, postgres) {
            case (let path?, nil): self = .sqlite(path: path)
            case (nil, let url?): self = .postgres(url: url)
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "one of sqlite or postgres"))
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case listen, models, store
        case allowAnonymous = "allow_anonymous"
        case maxBodyBytes = "max_body_bytes"
        case masterKeyEnv = "master_key_env"
        case reservationHoldSeconds = "reservation_hold_s"
    }

    public init(
        listen: String = "127.0.0.1:4000", allowAnonymous: Bool = true, models: [ModelAlias], maxBodyBytes: Int = 8 << 20,
        store: StoreLocation? = nil, masterKeyEnv: String? = nil, reservationHoldSeconds: Double = 600
    ) {
        self.store = store
        self.reservationHoldSeconds = reservationHoldSeconds
        self.masterKeyEnv = masterKeyEnv
        self.listen = listen
        self.allowAnonymous = allowAnonymous
        self.models = models
        self.maxBodyBytes = maxBodyBytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? "127.0.0.1:4000"
        allowAnonymous = try container.decodeIfPresent(Bool.self, forKey: .allowAnonymous) ?? false
        models = try container.decode([ModelAlias].self, forKey: .models)
        maxBodyBytes = try container.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? 8 << 20
        masterKeyEnv = try container.decodeIfPresent(String.self, forKey: .masterKeyEnv)
        store = try container.decodeIfPresent(StoreLocation.self, forKey: .store)
        reservationHoldSeconds = try container.decodeIfPresent(Double.self, forKey: .reservationHoldSeconds) ?? 600
    }

    /// Reads a configuration from YAML (JSON is YAML too), then checks it (see ``validate(environment:)``).
    ///
    /// - Throws: ``GatewayConfigurationError`` saying what is wrong and, for syntax and type errors, where.
    public static func load(yaml text: String, environment: [String: String]) throws(GatewayConfigurationError) -> GatewayConfiguration {
        let configuration: GatewayConfiguration
        do {
            configuration = try decode(yaml: text)
        } catch let error as YamlError {
            throw GatewayConfigurationError("not valid YAML: \(error)")
        } catch let error as DecodingError {
            throw GatewayConfigurationError(Self.describe(error))
        } catch {
            throw GatewayConfigurationError("\(error)")
        }
        try configuration.validate(environment: environment)
        return configuration
    }

    /// Yams finds YAML's merge keys (`<<: *defaults`) with a regular expression, and compiling one brings pages of
    /// ICU's regex engine and Unicode tables into the process for its whole life (`perf record -e page-faults`: 23
    /// faults in ICU; its resident pages after a start, a key and a stream 3,452 -> 2,768 KB without the rule). Only a
    /// text that holds `<<` needs that rule; any other is parsed without it, to the same nodes.
    private static func decode(yaml text: String) throws -> GatewayConfiguration {
        guard !text.contains("<<") else { return try YAMLDecoder().decode(GatewayConfiguration.self, from: text) }
        let parser = try Parser(yaml: text, resolver: .basic)
        // The parser keeps the anchors that aliases refer to while the nodes are decoded.
        return try withExtendedLifetime(parser) {
            try YAMLDecoder().decode(GatewayConfiguration.self, from: try parser.singleRoot() ?? "")
        }
    }

    /// Reads and checks the file at `path`.
    public static func load(file path: String, environment: [String: String]) throws(GatewayConfigurationError) -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GatewayConfigurationError("cannot read \(path)")
        }
        return try load(yaml: text, environment: environment)
    }

    /// Checks what decoding cannot: the listen address, unknown providers, unset key variables, duplicate and
    /// empty aliases, and what this version cannot do yet.
    public func validate(environment: [String: String]) throws(GatewayConfigurationError) {
        var problems: [String] = []
        if GatewayAddress(listen) == nil { problems.append("listen: \"\(listen)\" is not host:port") }
        if !allowAnonymous && store == nil {
            problems.append("allow_anonymous: false needs client keys, which live in a store: add store: {sqlite: ./llm-gateway.db}")
        }
        if reservationHoldSeconds <= 0 { problems.append("reservation_hold_s: more than 0") }
        if let variable = masterKeyEnv {
            if store == nil { problems.append("master_key_env: the admin API manages the keys of a store: add one") }
            if (environment[variable] ?? "").count < 16 { problems.append("master_key_env: the variable \(variable) must hold a key of 16 characters or more") }
        }
        if case .postgres(let url)? = store, !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
            problems.append("store.postgres: a postgres://user@host:port/database URL")
        }
        if maxBodyBytes < 1024 { problems.append("max_body_bytes: at least 1024") }
        if models.isEmpty { problems.append("models: at least one alias is needed") }
        let registry = ProviderRegistry(environment: environment)
        var seen: Set<String> = []
        for (index, alias) in models.enumerated() {
            let path = (alias.line.map { "line \($0): " } ?? "") + "models[\(index)] (\(alias.name))"
            if alias.name.isEmpty { problems.append("models[\(index)].name: empty") }
            if !seen.insert(alias.name).inserted { problems.append("\(path): the alias is defined twice") }
            if alias.targets.isEmpty { problems.append("\(path).targets: at least one target is needed") }
            if let after = alias.cooldownAfter, after < 1 { problems.append("\(path).cooldown_after: at least 1") }
            if let seconds = alias.cooldownSeconds, seconds < 0 { problems.append("\(path).cooldown_s: not negative") }
            if let retries = alias.maxRetries, retries < 0 { problems.append("\(path).max_retries: not negative") }
            if let timeout = alias.timeoutSeconds, timeout <= 0 { problems.append("\(path).timeout_s: more than 0") }
            if let cap = alias.maxOutputTokens, cap < 1 { problems.append("\(path).max_output_tokens: at least 1") }
            if alias.isWildcard, alias.name.count < 3 { problems.append("\(path).name: a wildcard alias needs a prefix, as openrouter/*") }
            if alias.allow != nil, !alias.isWildcard { problems.append("\(path).allow: only a wildcard alias (a name ending in /*) has an allow-list") }
            if !alias.isWildcard, alias.targets.contains(where: { $0.model.contains("*") }) {
                problems.append("\(path).targets: a * in a target's model needs a wildcard alias (a name ending in /*)")
            }
            for (targetIndex, target) in alias.targets.enumerated() {
                let targetPath = (target.line.map { "line \($0): " } ?? "") + "models[\(index)] (\(alias.name)).targets[\(targetIndex)]"
                let reference = ModelReference(parsing: target.model, defaultProvider: "")
                if reference.provider.isEmpty || !registry.names.contains(reference.provider.lowercased()) {
                    problems.append("\(targetPath).model: unknown provider in \"\(target.model)\" (known: \(registry.names.joined(separator: ", ")))")
                }
                if let weight = target.weight, weight < 0 { problems.append("\(targetPath).weight: not negative") }
                if let price = target.price, [price.inputPerMTok, price.outputPerMTok, price.cacheReadPerMTok ?? 0, price.cacheWritePerMTok ?? 0].contains(where: { $0 < 0 }) {
                    problems.append("\(targetPath).price: not negative")
                }
                if let variable = target.apiKeyEnv, environment[variable]?.isEmpty ?? true {
                    problems.append("\(targetPath).api_key_env: the variable \(variable) is not set")
                }
            }
        }
        if !problems.isEmpty { throw GatewayConfigurationError(problems.joined(separator: "\n")) }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "\(at.isEmpty ? "" : at + ": ")\(key.stringValue) is required"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// What is wrong with a configuration, one problem a line.
public struct GatewayConfigurationError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A `host:port` listen address.
struct GatewayAddress: Equatable {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
