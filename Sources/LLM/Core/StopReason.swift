/// Why the model stopped generating.
public enum StopReason: Sendable, Hashable {
    /// It finished its answer.
    case endTurn
    /// It hit the `maxTokens` limit; the answer is cut off.
    case maxTokens
    /// It produced one of the request's stop sequences.
    case stopSequence
    /// It wants tools called.
    case toolCalls
    /// The provider stopped it on content-policy grounds.
    case contentFilter
    /// A reason this package does not know, as the provider spelled it.
    case other(String)

    /// A stable spelling, used in JSON output and logs.
    public var name: String {
        switch self {
        case .endTurn: "end_turn"
        case .maxTokens: "max_tokens"
        case .stopSequence: "stop_sequence"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        case .other(let raw): raw
        }
    }
}

extension StopReason: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        switch raw {
        case "end_turn": self = .endTurn
        case "max_tokens": self = .maxTokens
        case "stop_sequence": self = .stopSequence
        case "tool_calls": self = .toolCalls
        case "content_filter": self = .contentFilter
        default: self = .other(raw)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
