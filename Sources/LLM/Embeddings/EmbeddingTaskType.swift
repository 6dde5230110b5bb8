/// What an embedding will be used for. Gemini makes a different vector for each (its `taskType`); other providers
/// ignore it.
public enum EmbeddingTaskType: String, Sendable, Hashable, Codable, CaseIterable {
    case retrievalQuery, retrievalDocument, semanticSimilarity, classification, clustering, questionAnswering
    case factVerification, codeRetrievalQuery
}
