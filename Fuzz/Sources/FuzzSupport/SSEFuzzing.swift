import LLM

/// The SSE decoder against itself and against a plain reading of the WHATWG rules.
///
/// Input: one chunking byte (see ``Chunking``), then the body. Checks that the decoder gives the same
/// events and state whatever the chunking, and the same as ``SSEReference``.
public enum SSEFuzzing {
    public struct Result: Equatable, CustomStringConvertible {
        var events: [ServerSentEvent]
        var lastEventID: String?
        var reconnectionTime: Int?
        var discardedIncompleteEvent: Bool

        public var description: String {
            "events \(events), lastEventID \(String(describing: lastEventID)), retry \(String(describing: reconnectionTime)), "
                + "discarded \(discardedIncompleteEvent)"
        }
    }

    public static func run(_ input: FuzzInput) {
        var input = input
        let mode = input.byte()
        let body = input.rest()

        let whole = decode([body])
        let split = decode(Chunking.split(body, mode: mode))
        fuzzCheck(split == whole, "chunking changed the result:\n split: \(split)\n whole: \(whole)")
        let reference = SSEReference.parse(body)
        fuzzCheck(whole == reference, "decoder and reference disagree:\n decoder:   \(whole)\n reference: \(reference)")
    }

    static func decode(_ pieces: [[UInt8]]) -> Result {
        var decoder = SSEDecoder()
        var events: [ServerSentEvent] = []
        for piece in pieces { events += decoder.decode(Chunking.buffer(piece)) }
        events += decoder.finish()
        return Result(
            events: events, lastEventID: decoder.lastEventID, reconnectionTime: decoder.reconnectionTime,
            discardedIncompleteEvent: decoder.discardedIncompleteEvent)
    }
}

/// The event-stream interpretation rules, read literally over the whole body decoded as UTF-8 at once.
///
/// Where the decoder documents a choice the spec leaves open, this follows it: a last line without a
/// line end is still interpreted (it can set `retry`, and make the unfinished event count as discarded).
enum SSEReference {
    static func parse(_ bytes: [UInt8]) -> SSEFuzzing.Result {
        var scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }

        var events: [ServerSentEvent] = []
        var data: String?
        var type = ""
        var eventRetry: Int?
        var idBuffer: String?
        var lastEventID: String?
        var reconnection: Int?

        func interpret(_ line: ArraySlice<Unicode.Scalar>) {
            if line.isEmpty {
                lastEventID = idBuffer
                if let text = data {
                    events.append(ServerSentEvent(event: type.isEmpty ? "message" : type, data: text, id: idBuffer, retry: eventRetry))
                }
                (data, type, eventRetry) = (nil, "", nil)
                return
            }
            if line.first == ":" { return }
            var name = line
            var value: ArraySlice<Unicode.Scalar> = []
            if let colon = line.firstIndex(of: ":") {
                name = line[..<colon]
                value = line[(colon + 1)...]
                if value.first == " " { value = value.dropFirst() }
            }
            let field = string(name)
            let text = string(value)
            switch field {
            case "data": data = data.map { $0 + "\n" + text } ?? text
            case "event": type = text
            case "id": if !value.contains("\u{0}") { idBuffer = text }
            case "retry":
                if !value.isEmpty, value.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(text) {
                    eventRetry = number
                    reconnection = number
                }
            default: break
            }
        }

        var start = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\r" || scalar == "\n" {
                interpret(scalars[start..<index])
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < scalars.count { interpret(scalars[start...]) }
        return SSEFuzzing.Result(events: events, lastEventID: lastEventID, reconnectionTime: reconnection, discardedIncompleteEvent: data != nil)
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
