import ArgumentParser
import Foundation
import LLM

/// `llm embed`: the embedding vectors of some texts, as JSON.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding vector of each text as JSON.",
        discussion: """
            The texts are the arguments or, without any, the lines of stdin (empty lines skipped). \
            By default each vector is printed as a JSON array on a line of its own, in input order; \
            --output json prints one object with the model, the input tokens and every vector.

            Examples:
              llm embed -m llamacpp/any "first text" "second text"
              cut -f2 docs.tsv | llm embed -m openai/text-embedding-3-small --dimensions 256 > vectors.jsonl

            \(ExitCode.documentation)
            """)

    @OptionGroup var provider: ProviderOptions

    @Option(help: "Shorter vectors, for models that can shorten theirs (OpenAI text-embedding-3, Gemini, Ollama).")
    var dimensions: Int?

    @Option(help: ArgumentHelp(
        "What the vectors are for (Gemini only): \(EmbeddingTaskType.allCases.map(\.argumentName).joined(separator: ", ")).",
        valueName: "task"))
    var task: EmbeddingTaskType?

    @Option(help: "lines (one JSON array per text) or json (one object).")
    var output: EmbeddingOutput = .lines

    @Argument(help: "The texts (default: the lines of stdin).")
    var texts: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let interruption = Interruption()
        do {
            if let dimensions, dimensions < 1 { throw ValidationError("--dimensions must be at least 1") }
            let inputs = texts.isEmpty ? Self.stdinLines() : texts
            guard !inputs.isEmpty else { throw ValidationError("no text to embed: give some as arguments or lines on stdin") }
            let spec = provider.modelSpec(environment: environment)
            guard !spec.model.isEmpty else { throw ValidationError("-m needs a model: provider/model") }
            let llm = try provider.provider(for: spec, environment: environment)
            let request = EmbeddingRequest(model: spec.model, inputs: inputs, dimensions: dimensions, taskType: task)
            let reply = try await interruption.run { try await llm.embed(request) }
            Terminal.write(Self.render(reply, as: output))
        } catch {
            throw ErrorReporting.report(error, interrupted: interruption.interrupted)
        }
    }

    static func stdinLines() -> [String] {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.allSatisfy(\.isWhitespace) }
    }

    static func render(_ reply: EmbeddingResponse, as output: EmbeddingOutput) -> String {
        let vectors = reply.embeddings.map(vectorJSON)
        switch output {
        case .lines:
            return vectors.map { $0 + "\n" }.joined()
        case .json:
            return "{\"model\":\(JSONValue.string(reply.model).jsonString),\"input_tokens\":\(reply.usage.inputTokens),"
                + "\"embeddings\":[\(vectors.joined(separator: ","))]}\n"
        }
    }

    /// A vector as a JSON array, each value in the shortest text that reads back as the same float.
    static func vectorJSON(_ embedding: Embedding) -> String {
        "[" + embedding.values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }
}

enum EmbeddingOutput: String, ExpressibleByArgument, CaseIterable {
    case lines, json
}

extension EmbeddingTaskType: ExpressibleByArgument {
    /// `retrieval-query` for `.retrievalQuery`.
    var argumentName: String {
        rawValue.reduce(into: "") { name, character in name += character.isUppercase ? "-" + character.lowercased() : String(character) }
    }

    public init?(argument: String) {
        guard let task = Self.allCases.first(where: { $0.argumentName == argument.lowercased() || $0.rawValue == argument }) else { return nil }
        self = task
    }
}
