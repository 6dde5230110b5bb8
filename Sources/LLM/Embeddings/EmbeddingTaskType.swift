/// What an embedding will be used for. Gemini makes a different vector for each (`taskType`); other providers
/// ignore it.
public enum EmbeddingTaskType: String, Sendable, Hashable, Codable, CaseIterable {
    case retrievalQuery = "RETRIEVAL_QUERY"
    case retrievalDocument = "RETRIEVAL_DOCUMENT"
    case semanticSimilarity = "SEMANTIC_SIMILARITY"
    case classification = "CLASSIFICATION"
    case clustering = "CLUSTERING"
    case questionAnswering = "QUESTION_ANSWERING"
    case factVerification = "FACT_VERIFICATION"
    case codeRetrievalQuery = "CODE_RETRIEVAL_QUERY"
}
