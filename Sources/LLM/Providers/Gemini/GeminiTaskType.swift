/// Gemini's names of the embedding task types (`RETRIEVAL_QUERY`...), both ways.
enum GeminiTaskType {
    static func name(_ task: EmbeddingTaskType) -> String {
        switch task {
        case .retrievalQuery: "RETRIEVAL_QUERY"
        case .retrievalDocument: "RETRIEVAL_DOCUMENT"
        case .semanticSimilarity: "SEMANTIC_SIMILARITY"
        case .classification: "CLASSIFICATION"
        case .clustering: "CLUSTERING"
        case .questionAnswering: "QUESTION_ANSWERING"
        case .factVerification: "FACT_VERIFICATION"
        case .codeRetrievalQuery: "CODE_RETRIEVAL_QUERY"
        }
    }

    static func task(named name: String) -> EmbeddingTaskType? {
        EmbeddingTaskType.allCases.first { self.name($0) == name }
    }
}
