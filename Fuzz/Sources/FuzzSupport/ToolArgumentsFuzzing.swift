import LLM

/// Tool-call arguments: `ToolArguments.parse` on arbitrary text, and `ToolCallAssembler` on arbitrary
/// sequences of fragments.
///
/// Input: a mode byte (even: parse, odd: assembler), then the payload.
public enum ToolArgumentsFuzzing {
    public static func run(_ input: FuzzInput) {
        var input = input
        if input.byte() & 1 == 0 {
            parse(String(decoding: input.rest(), as: UTF8.self))
        } else {
            assemble(&input)
        }
    }

    /// A parse either gives an object that survives being sent back (serialised and parsed again), or
    /// throws `invalidToolArguments` carrying the text unchanged.
    static func parse(_ text: String) {
        do {
            let value = try ToolArguments.parse(text, toolName: "f")
            guard case .object = value else {
                fuzzCheck(false, "parse returned a non-object for \(text.debugDescription)")
                return
            }
            let again = try? ToolArguments.parse(value.jsonString, toolName: "f")
            fuzzCheck(again.map { sameJSON($0, value) } ?? false, "\(text.debugDescription) does not survive a round trip: \(value.jsonString)")
        } catch {
            guard case .invalidToolArguments(let name, let raw, _) = error else {
                fuzzCheck(false, "unexpected error \(error)")
                return
            }
            fuzzCheck(name == "f" && raw == text, "the error does not carry the raw text")
        }
    }

    /// Fragment stream: per fragment a control byte (bit 0 index, bit 1 id, bit 2 name, bit 3 arguments,
    /// bit 6 negative index), then the bytes the set bits need.
    static func assemble(_ input: inout FuzzInput) {
        var assembler = ToolCallAssembler()
        var events: [StreamEvent] = []
        while !input.isEmpty {
            let control = input.byte()
            let index: Int? = control & 1 == 0 ? nil : Int(input.byte() % 4) - (control & 0x40 == 0 ? 0 : 3)
            let id: String? = control & 2 == 0 ? nil : ["", "a", "b", "call_1"][Int(input.byte() % 4)]
            let name: String? = control & 4 == 0 ? nil : ["", "f", "g", "get_weather"][Int(input.byte() % 4)]
            let arguments: String? = control & 8 == 0 ? nil : String(decoding: input.take(Int(input.byte() % 32)), as: UTF8.self)
            events += assembler.receive(index: index, id: id, name: name, arguments: arguments)
        }

        // Each call starts once, before any of its deltas; its deltas spell its whole arguments.
        var started: [Int: String] = [:]
        var deltas: [Int: String] = [:]
        for event in events {
            switch event {
            case .toolCallStart(let position, _, let name):
                fuzzCheck(started[position] == nil, "call \(position) started twice")
                started[position] = name
            case .toolCallDelta(let position, let fragment):
                fuzzCheck(started[position] != nil, "delta before the start of call \(position)")
                fuzzCheck(!fragment.isEmpty, "empty delta")
                deltas[position, default: ""] += fragment
            default:
                fuzzCheck(false, "unexpected event \(event)")
            }
        }

        let finished: [StreamEvent]
        do {
            finished = try assembler.finish()
        } catch {
            guard case .invalidToolArguments = error else {
                fuzzCheck(false, "unexpected error \(error)")
                return
            }
            return
        }
        for (offset, event) in finished.enumerated() {
            guard case .toolCall(let position, let call) = event else {
                fuzzCheck(false, "finish gave \(event)")
                return
            }
            fuzzCheck(position == offset, "calls are not numbered 0, 1, 2...")
            if let name = started[position] {
                fuzzCheck(call.name == name, "call \(position) was started as \(name) and finished as \(call.name)")
                let streamed = try? ToolArguments.parse(deltas[position] ?? "", toolName: name)
                fuzzCheck(streamed.map { sameJSON($0, call.arguments) } ?? false, "the deltas of call \(position) do not spell its arguments")
            }
        }
        fuzzCheck(started.keys.allSatisfy { $0 < finished.count }, "a started call is missing from finish")
    }
}

/// JSON equality where an integer and a double of the same value are the same number (`1` and `1.0`).
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameJSON(value, $0) } ?? false }
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
    default:
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }
}
