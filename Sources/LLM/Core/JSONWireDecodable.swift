/// A provider's wire type read field by field from a parsed ``JSONValue``, without Codable.
///
/// For the hot paths only (stream events, replies): Codable's generic containers cost several times
/// the parsing itself (measured in `Benchmarks/`). The `Decodable` conformance stays beside it, and
/// tests check that both read every recorded fixture alike.
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
    private let members: [JSONNode.Member]

    init(_ node: JSONNode, field: String = "the value") throws(JSONShapeError) {
        guard case .object(let members) = node else { throw JSONShapeError(field: field, expected: "an object") }
        self.members = members
    }

    /// The member's node, unless it is absent or null.
    func node(_ key: String) -> JSONNode? {
        // Comparing lengths first skips most other names without a string comparison.
        let length = key.utf8.count
        for member in members.reversed() where member.key.utf8.count == length && member.key == key {
            if case .null = member.value { return nil }
            return member.value
        }
        return nil
    }

    /// The member as a ``JSONValue``, unless it is absent or null.
    func value(_ key: String) -> JSONValue? {
        node(key)?.value
    }

    func string(_ key: String) throws(JSONShapeError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .string(let text) = node else { throw JSONShapeError(field: key, expected: "a string") }
        return text
    }

    func int(_ key: String) throws(JSONShapeError) -> Int? {
        guard let node = node(key) else { return nil }
        switch node {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number:
            if let integer = Int(exactly: number) { return integer }
        default: break
        }
        throw JSONShapeError(field: key, expected: "an integer")
    }

    func bool(_ key: String) throws(JSONShapeError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .bool(let flag) = node else { throw JSONShapeError(field: key, expected: "a boolean") }
        return flag
    }

    func decode<T: JSONWireDecodable>(_ key: String, as type: T.Type = T.self) throws(JSONShapeError) -> T? {
        guard let node = node(key) else { return nil }
        return try T(json: JSONFields(node, field: key))
    }

    func decodeArray<T: JSONWireDecodable>(_ key: String, of type: T.Type = T.self) throws(JSONShapeError) -> [T]? {
        guard let node = node(key) else { return nil }
        guard case .array(let elements) = node else { throw JSONShapeError(field: key, expected: "an array") }
        var decoded: [T] = []
        decoded.reserveCapacity(elements.count)
        for element in elements {
            decoded.append(try T(json: JSONFields(element, field: key)))
        }
        return decoded
    }

    /// A required string member.
    func requiredString(_ key: String) throws(JSONShapeError) -> String {
        guard let text = try string(key) else { throw JSONShapeError(field: key, expected: "present") }
        return text
    }
}

extension JSONWireDecodable {
    /// Parses one JSON document and reads it as this type.
    static func parse(_ text: String) throws -> Self {
        try Self(json: JSONFields(JSONParser.parseNode(text)))
    }

    /// Parses one JSON document from raw bytes and reads it as this type.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> Self {
        try Self(json: JSONFields(JSONParser.parseNode(bytes)))
    }
}
