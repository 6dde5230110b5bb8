// JSONParser and writeJSON are internal; the fuzz build is a debug build, so LLM is built with testing on.
@testable import LLM
import NIOCore

/// The strict JSON parser on arbitrary bytes, and `writeJSON` on whatever it accepts.
///
/// Input: the whole input is the document (no control bytes). A parse error is fine, if its offset is
/// inside the input. An accepted value, written with `writeJSON`, parses back to the same value, and
/// writing that again gives the same bytes. Valid UTF-8 parses the same through `parse(_: String)`.
public enum JSONParserFuzzing {
    public static func run(_ input: FuzzInput) {
        var input = input
        let bytes = input.rest()

        let parsed = parse(bytes)
        if let text = String(validating: bytes, as: UTF8.self) {
            let fromText = Result { () throws(JSONSyntaxError) in try JSONParser.parse(text) }
            fuzzCheck(fromText == parsed, "parse(String) and parse(bytes) disagree:\n string: \(fromText)\n bytes:  \(parsed)")
        }
        let value: JSONValue
        switch parsed {
        case .success(let success):
            value = success
        case .failure(let error):
            fuzzCheck((0...bytes.count).contains(error.offset), "error offset \(error.offset) outside 0...\(bytes.count): \(error)")
            return
        }

        let written = write(value)
        guard case .success(let again) = parse(written) else {
            fuzzCheck(false, "writeJSON output does not parse: \(parse(written))\n value:  \(value)\n output: \(String(decoding: written, as: UTF8.self).debugDescription)")
            return
        }
        fuzzCheck(again == value, "round trip changed the value:\n first:  \(value)\n again:  \(again)\n output: \(String(decoding: written, as: UTF8.self).debugDescription)")
        let rewritten = write(again)
        fuzzCheck(rewritten == written, "writing again changed the bytes:\n first: \(String(decoding: written, as: UTF8.self).debugDescription)\n again: \(String(decoding: rewritten, as: UTF8.self).debugDescription)")
    }

    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        bytes.withUnsafeBytes { raw in Result { () throws(JSONSyntaxError) in try JSONParser.parse(raw) } }
    }

    static func write(_ value: JSONValue) -> [UInt8] {
        var buffer = ByteBuffer()
        value.writeJSON(to: &buffer)
        return Array(buffer.readableBytesView)
    }
}
