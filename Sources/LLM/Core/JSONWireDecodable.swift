/// A provider's wire type read field by field from a parsed ``JSONValue``, without Codable.
///
/// For the hot paths only (stream events, replies): Codable's generic containers cost several times
/// the parsing itself (measured in `Benchmarks/`). The `Decodable` conformance stays beside it, and
/// tests check that both read every recorded fixture alike.
///
/// Write `init(json:)` as one call of the memberwise init, its arguments read in the fields' order. Assigning
/// field by field makes the compiler build the value aside and copy it out, retaining and releasing every
/// field: for an Anthropic event (480 bytes) that was 13% of a stream's decoding CPU.
protocol JSONWireDecodable {
    init(json: JSONFields) throws(JSONShapeError)
}

/// A JSON value had another shape than the wire type expects (e.g. a number where text belongs).
struct JSONShapeError: Error, CustomStringConvertible {
    var field: String
    var expected: String

    var description: String { "`\(field)` is not \(expected)" }
}

/// The members of one JSON object, read with the leniency of the wire types' `Decodable` conformances:
/// an absent member and `null` are both nil; a member of another type is an error. Of repeated names
/// the last one counts, as when decoding into a dictionary.
struct JSONFields {
    private let object: JSONElement
    /// Which names the object may hold (see ``JSONElement/nameSummary``): most of the fields a wire type
    /// asks for are absent from any one event, and this answers those without walking the members.
    private let names: JSONElement.NameSummary

    init(_ element: JSONElement, field: StaticString = "the value") throws(JSONShapeError) {
        guard element.kind == .object else { throw JSONShapeError(field: "\(field)", expected: "an object") }
        object = element
        names = element.nameSummary
    }

    // Keys are `StaticString`s: every wire type names its fields with literals, whose bytes are at hand
    // without a `String`'s checks (the lookups are a large part of reading a stream event).

    /// The member's element, unless it is absent or null.
    func node(_ key: StaticString) -> JSONElement? {
        guard names.mayContain(key), let member = object.member(key), member.kind != .null else { return nil }
        return member
    }

    /// The member as a ``JSONValue``, unless it is absent or null.
    func value(_ key: StaticString) -> JSONValue? {
        node(key)?.value
    }

    /// The whole object as a ``JSONValue`` (a wire type that keeps what it was sent, to send it back).
    var wholeValue: JSONValue { object.value }

    /// A member that is text at one server and an integer at another (an error's `code`), as text; nil when
    /// it is absent or anything else, as the lenient `Decodable` forms read it.
    func textOrInteger(_ key: StaticString) -> String? {
        switch value(key) {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        default: nil
        }
    }

    func string(_ key: StaticString) throws(JSONShapeError) -> String? {
        guard let node = node(key) else { return nil }
        return try Self.text(of: node, key: key)
    }

    private static func text(of node: JSONElement, key: StaticString) throws(JSONShapeError) -> String {
        guard let text = node.string else { throw JSONShapeError(field: "\(key)", expected: "a string") }
        return text
    }

    func int(_ key: StaticString) throws(JSONShapeError) -> Int? {
        guard let node = node(key) else { return nil }
        switch node.scalar {
        case .int(let number)?: return number
        case .double(let number)? where number.rounded() == number:
            if let integer = Int(exactly: number) { return integer }
        default: break
        }
        throw JSONShapeError(field: "\(key)", expected: "an integer")
    }

    func bool(_ key: StaticString) throws(JSONShapeError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .bool(let flag)? = node.scalar else { throw JSONShapeError(field: "\(key)", expected: "a boolean") }
        return flag
    }

    func decode<T: JSONWireDecodable>(_ key: StaticString, as type: T.Type = T.self) throws(JSONShapeError) -> T? {
        guard let node = node(key) else { return nil }
        return try T(json: JSONFields(node, field: key))
    }

    func decodeArray<T: JSONWireDecodable>(_ key: StaticString, of type: T.Type = T.self) throws(JSONShapeError) -> [T]? {
        guard let node = node(key) else { return nil }
        guard node.kind == .array else { throw JSONShapeError(field: "\(key)", expected: "an array") }
        var decoded: [T] = []
        try node.forEachElement { (element) throws(JSONShapeError) in
            decoded.append(try T(json: JSONFields(element, field: key)))
        }
        return decoded
    }

    /// A required string member.
    func requiredString(_ key: StaticString) throws(JSONShapeError) -> String {
        guard let text = try string(key) else { throw JSONShapeError(field: "\(key)", expected: "present") }
        return text
    }

    /// A string member that is most often one of `usualValues` (an event's `type`): such a value is returned as
    /// that literal, which costs no allocation (a `String` of over 15 bytes otherwise does) and compares with an
    /// equal literal at once. Any other value is read as by ``string(_:)``.
    func string(_ key: StaticString, usually usualValues: [String]) throws(JSONShapeError) -> String? {
        guard let node = node(key) else { return nil }
        if let bytes = node.unescapedStringBytes {
            for var usual in usualValues {
                if usual.withUTF8({ ByteSearch.same(UnsafeRawBufferPointer($0), bytes) }) { return usual }
            }
        }
        return try Self.text(of: node, key: key)
    }

    /// A required string member that is most often one of `usualValues`, as ``string(_:usually:)`` reads it.
    func requiredString(_ key: StaticString, usually usualValues: [String]) throws(JSONShapeError) -> String {
        guard let text = try string(key, usually: usualValues) else { throw JSONShapeError(field: "\(key)", expected: "present") }
        return text
    }
}

extension JSONWireDecodable {
    /// Parses one JSON document and reads it as this type.
    static func parse(_ text: String) throws -> Self {
        try JSONParser.withDocument(text) { root in try Self(json: JSONFields(root)) }
    }

    /// Parses one JSON document from raw bytes and reads it as this type.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> Self {
        try JSONParser.withDocument(bytes) { root in try Self(json: JSONFields(root)) }
    }
}
