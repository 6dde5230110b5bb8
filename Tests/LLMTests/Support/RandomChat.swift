import LLM

/// Random requests, replies and event sequences for the wire formats' property tests, built from one seed so a
/// failing case is reproduced by its seed alone. Strings mix ASCII, quotes, backslashes, newlines, accents and
/// emoji; numbers are exact in binary, so a JSON round trip cannot be blamed on rounding.
struct RandomChat {
    private var state: UInt64

    init(seed: Int) {
        state = UInt64(bitPattern: Int64(seed)) &+ 0x9E37_79B9_7F4A_7C15
    }

    /// SplitMix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }

    static let pieces = ["a", "Hello", " ", "world", "\"q\"", "back\\slash", "line\nbreak", "tab\t", "é", "日本", "🙂", "{", "}", "0"]

    mutating func text(_ count: ClosedRange<Int> = 1...6) -> String {
        (0..<int(count)).map { _ in pick(Self.pieces) }.joined()
    }

    mutating func identifier() -> String {
        pick(["get_weather", "search", "lookup_user", "f", "run_query"]) + (chance(50) ? "_\(int(0...99))" : "")
    }

    mutating func json(depth: Int = 0) -> JSONValue {
        switch int(0...(depth < 2 ? 6 : 4)) {
        case 0: return .string(text())
        case 1: return .int(int(-1000...1000))
        case 2: return .bool(chance(50))
        // A fraction always: JSON does not tell 5.0 from 5, so an integral double reads back as an integer.
        case 3: return .double(Double(int(-64...64) * 2 + 1) / 16)
        case 4: return .null
        case 5: return .array((0..<int(0...3)).map { _ in json(depth: depth + 1) })
        default: return .object(Dictionary((0..<int(0...3)).map { _ in (identifier(), json(depth: depth + 1)) }) { first, _ in first })
        }
    }

    mutating func arguments() -> JSONValue {
        .object(Dictionary((0..<int(0...3)).map { _ in (identifier(), json()) }) { first, _ in first })
    }

    mutating func toolCall() -> ToolCall {
        ToolCall(id: "call_\(int(0...99_999))", name: identifier(), arguments: arguments())
    }

    mutating func usage(cacheWrite: Bool = false) -> Usage {
        let input = int(0...5000)
        return Usage(
            inputTokens: input, outputTokens: int(0...2000), cacheReadTokens: int(0...input),
            cacheWriteTokens: cacheWrite ? int(0...100) : 0, reasoningTokens: int(0...500))
    }

    mutating func tool() -> Tool {
        Tool(
            name: identifier(), description: text(),
            parameters: JSONSchema(["type": "object", "properties": .object([identifier(): ["type": "string"]])]))
    }
}
