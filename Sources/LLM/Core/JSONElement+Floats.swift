import Foundation

extension JSONElement {
    /// An array of numbers as floats (each read as a `Double`, then rounded once), or nil for anything else.
    var floatArray: [Float]? {
        guard kind == .array else { return nil }
        var values: [Float] = []
        values.reserveCapacity((tape[index].end - index - 1))
        var valid = true
        forEachElement { element in
            guard valid, let value = element.floatValue else {
                valid = false
                return
            }
            values.append(value)
        }
        return valid ? values : nil
    }

    /// A number as a float, or nil for another kind or a number beyond Float's range (a vector holds none).
    var floatValue: Float? {
        let entry = tape[index]
        guard entry.kind == .number,
            let value = Self.double(UnsafeRawBufferPointer(rebasing: bytes[entry.start..<entry.end])).map({ Float($0) }), value.isFinite
        else { return nil }
        return value
    }

    /// The number whose text the parser checked, without making a `String` (a vector holds thousands): `strtod` on a
    /// copy on the stack. Should the process's C locale want another decimal point, `strtod` stops early, and the
    /// number is read the slow way instead.
    private static func double(_ text: UnsafeRawBufferPointer) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for offset in 0..<text.count { buffer[offset] = CChar(bitPattern: text[offset]) }
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            if let end, end - buffer.baseAddress! == text.count { return value }
            return Double(String(decoding: text, as: UTF8.self))
        }
    }
}
