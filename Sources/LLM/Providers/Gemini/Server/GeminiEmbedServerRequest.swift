/// A Gemini embeddings request as a server receives it: `models/{model}:embedContent` (one `content`) or
/// `:batchEmbedContents` (`requests`, each an embedContent request), the model taken from the path.
///
/// A content's text parts are embedded as one text, joined by newlines; other parts are refused (400). The requests
/// of a batch must share `taskType` and `outputDimensionality` (one upstream call carries one of each) and name no
/// other model than the path's. Members are read under their camelCase or snake_case names. Other members (`title`...)
/// go to ``EmbeddingRequest/extraFields``, from a batch those that every request has alike.
public struct GeminiEmbedServerRequest: Sendable, Hashable {
    public var request: EmbeddingRequest
    /// It came as `batchEmbedContents`, and is answered with `embeddings` rather than `embedding`.
    public var batch: Bool

    /// Reads a request body for `model`; `batch` for `:batchEmbedContents`.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type.
    public init(decoding body: JSONValue, model: String, batch: Bool) throws(LLMError) {
        let model = model.hasPrefix("models/") ? String(model.dropFirst("models/".count)) : model
        let root = try RequestReader.object(body, at: "the body")
        let items: [(path: String, object: [String: JSONValue])]
        if batch {
            guard case .array(let list)? = root["requests"], !list.isEmpty else {
                throw RequestReader.invalid("requests", "must be a non-empty array")
            }
            var objects: [(String, [String: JSONValue])] = []
            for (index, item) in list.enumerated() {
                objects.append(("requests[\(index)]", try RequestReader.object(item, at: "requests[\(index)]")))
            }
            items = objects
        } else {
            items = [("", root)]
        }
        var inputs: [String] = []
        var taskType: EmbeddingTaskType?
        var dimensions: Int?
        for (number, (path, item)) in items.enumerated() {
            let prefix = path.isEmpty ? "" : path + "."
            if let named = item["model"]?.stringValue, named != model, named != "models/" + model {
                throw RequestReader.invalid(prefix + "model", "must be the model of the path")
            }
            inputs.append(try Self.text(of: item["content"], at: prefix + "content"))
            var task: EmbeddingTaskType?
            if let value = item[proto: "taskType"], value != .null {
                guard let name = value.stringValue, let known = GeminiTaskType.task(named: name) else {
                    throw RequestReader.invalid(prefix + "taskType", "must be a task type such as RETRIEVAL_QUERY")
                }
                task = known
            }
            let count = try RequestReader.positiveInt(item[proto: "outputDimensionality"], at: prefix + "outputDimensionality")
            if number == 0 {
                taskType = task
                dimensions = count
            } else if task != taskType || count != dimensions {
                throw RequestReader.invalid(prefix + "taskType", "and outputDimensionality must be the same in every request of a batch")
            }
        }
        var request = EmbeddingRequest(model: model, inputs: inputs, dimensions: dimensions, taskType: taskType)
        let known: Set<String> = ["content", "model", "taskType", "task_type", "outputDimensionality", "output_dimensionality"]
        if let first = items.first?.object {
            for (key, value) in first where !known.contains(key) && items.allSatisfy({ $0.object[key] == value }) {
                request.extraFields[key] = value
            }
        }
        self.init(request: request, batch: batch)
    }

    public init(request: EmbeddingRequest, batch: Bool) {
        self.request = request
        self.batch = batch
    }

    private static func text(of content: JSONValue?, at path: String) throws(LLMError) -> String {
        let object = try RequestReader.object(content, at: path)
        guard case .array(let parts)? = object["parts"], !parts.isEmpty else { throw RequestReader.invalid(path + ".parts", "must be a non-empty array") }
        var texts: [String] = []
        for (index, part) in parts.enumerated() {
            let fields = try RequestReader.object(part, at: "\(path).parts[\(index)]")
            texts.append(try RequestReader.string(fields["text"], at: "\(path).parts[\(index)].text"))
        }
        let text = texts.joined(separator: "\n")
        guard !text.isEmpty else { throw RequestReader.invalid(path, "must hold some text") }
        return text
    }
}
