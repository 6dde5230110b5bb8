import LLMGateway
import Testing

@Suite struct GatewayConfigurationTests {
    static let example = """
        listen: 127.0.0.1:4000
        allow_anonymous: true
        models:
          - name: smol
            targets:
              - model: llamacpp/smol
                base_url: http://127.0.0.1:8080/v1
              - model: openai/gpt-4o-mini
                api_key_env: UPSTREAM_KEY
                price: {input_per_mtok: 0.15, output_per_mtok: 0.6}
            timeout_s: 120
            max_retries: 2
        max_body_bytes: 8388608
        """

    @Test func theDocumentedConfigurationReads() throws {
        let configuration = try GatewayConfiguration.load(yaml: Self.example, environment: ["UPSTREAM_KEY": "sk-x"])
        #expect(configuration.listen == "127.0.0.1:4000")
        #expect(configuration.models.map(\.name) == ["smol"])
        #expect(configuration.models[0].targets.map(\.model) == ["llamacpp/smol", "openai/gpt-4o-mini"])
        #expect(configuration.models[0].targets[1].apiKeyEnv == "UPSTREAM_KEY")
        #expect(configuration.models[0].timeoutSeconds == 120)
        #expect(configuration.models[0].targets[1].price == .init(inputPerMTok: 0.15, outputPerMTok: 0.6))
        #expect(configuration.models[0].targets[0].price == nil)
    }

    /// A problem in an alias or a target names its line in the file.
    @Test func problemsNameTheirLine() {
        #expect {
            try GatewayConfiguration.load(yaml: Self.example, environment: [:])
        } throws: { error in
            // The second target (openai/gpt-4o-mini) starts on line 8 of the example.
            (error as? GatewayConfigurationError)?.description.contains("line 8: models[0] (smol).targets[1].api_key_env") == true
        }
    }

    /// Anchors and aliases read the same whether or not the file also uses merge keys (a text without `<<` is parsed
    /// without Yams' merge rule, which would compile a regular expression).
    @Test func anchorsAliasesAndMergeKeysRead() throws {
        let aliased = """
            allow_anonymous: true
            models:
              - name: a
                targets: &targets [{model: llamacpp/smol, base_url: "http://127.0.0.1:8080/v1"}]
                timeout_s: 30
              - name: b
                targets: *targets
            """
        let withAliases = try GatewayConfiguration.load(yaml: aliased, environment: [:])
        #expect(withAliases.models.map(\.name) == ["a", "b"])
        #expect(withAliases.models[1].targets.map(\.baseURL) == ["http://127.0.0.1:8080/v1"])
        #expect(withAliases.models[0].timeoutSeconds == 30)

        let merged = """
            allow_anonymous: true
            models:
              - &base
                name: a
                targets: [{model: llamacpp/smol}]
                timeout_s: 30
              - <<: *base
                name: b
            """
        let withMergeKeys = try GatewayConfiguration.load(yaml: merged, environment: [:])
        #expect(withMergeKeys.models.map(\.name) == ["a", "b"])
        #expect(withMergeKeys.models[1].timeoutSeconds == 30)
        #expect(withMergeKeys.models[1].targets.map(\.model) == ["llamacpp/smol"])
    }

    @Test func jsonIsAcceptedToo() throws {
        let json = #"{"allow_anonymous": true, "models": [{"name": "a", "targets": [{"model": "ollama/llama3.2"}]}]}"#
        #expect(try GatewayConfiguration.load(yaml: json, environment: [:]).models[0].targets[0].model == "ollama/llama3.2")
    }

    @Test(arguments: [
        (example, [String: String](), "api_key_env: the variable UPSTREAM_KEY is not set"),
        (example.replacingOccurrences(of: "llamacpp/smol", with: "nosuch/smol"), ["UPSTREAM_KEY": "k"], "unknown provider in \"nosuch/smol\""),
        (example.replacingOccurrences(of: "allow_anonymous: true", with: "allow_anonymous: false"), ["UPSTREAM_KEY": "k"], "allow_anonymous: false needs client keys, which live in a store"),
        (example.replacingOccurrences(of: "127.0.0.1:4000", with: "nowhere"), ["UPSTREAM_KEY": "k"], "listen: \"nowhere\" is not host:port"),
        ("models:\n  - name: a\n    targets: [{model: llamacpp/x}]\n  - name: a\n    targets: [{model: llamacpp/y}]\nallow_anonymous: true", [:], "the alias is defined twice"),
        ("allow_anonymous: true", [:], "models is required"),
        ("models: [{name: a, targets: 7}]\nallow_anonymous: true", [:], "models[0].targets: expected"),
        ("models: [\n  {name: a", [:], "not valid YAML"),
        ("allow_anonymous: true\nstore: {sqlite: ./x.db, postgres: x}\nmodels: [{name: a, targets: [{model: llamacpp/x}]}]", [:], "store: one of sqlite or postgres"),
        (example + "\nmaster_key_env: ADMIN", ["UPSTREAM_KEY": "k"], "master_key_env: the admin API manages the keys of a store"),
        (example + "\nstore: {sqlite: ./x.db}\nmaster_key_env: ADMIN", ["UPSTREAM_KEY": "k", "ADMIN": "short"], "must hold a key of 16 characters or more"),
        ("models: [{name: a, allow: [x], targets: [{model: llamacpp/x}]}]\nallow_anonymous: true", [:], "only a wildcard alias"),
        ("models: [{name: a, targets: [{model: llamacpp/*}]}]\nallow_anonymous: true", [:], "a * in a target's model needs a wildcard alias"),
        ("models: [{name: a, timeout_s: 0, targets: [{model: llamacpp/x}]}]\nallow_anonymous: true", [:], "timeout_s: more than 0"),
        ("models: [{name: a, targets: [{model: llamacpp/x, price: {input_per_mtok: -1, output_per_mtok: 1}}]}]\nallow_anonymous: true", [:], "price: not negative"),
    ])
    func aBadConfigurationIsExplained(_ text: String, _ environment: [String: String], _ expected: String) {
        #expect {
            try GatewayConfiguration.load(yaml: text, environment: environment)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
