/// A `Decoder` that reads no data: it records which containers, keys and types a type's `init(from:)`
/// asks for, and answers with placeholder values so the initialiser runs to its end.
///
/// - `decode` records a required property, `decodeIfPresent` an optional, nullable one (and answers `nil`);
///   `contains` answers `true` but makes the key optional; `decodeNil` answers `false` but makes the
///   value nullable.
/// - An unkeyed container holds one element, so `while !isAtEnd` loops run once.
struct SchemaInferenceDecoder: Decoder {
    let inference: SchemaInference
    let recording: SchemaRecording
    let codingPath: [any CodingKey]
    /// The hints of the type being decoded, for its properties.
    let hints: SchemaHints?
    /// The parent's hint for this value, for a single-value container.
    let ownHint: PropertyHint?

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        recording.begin(.keyed)
        return KeyedDecodingContainer(KeyedSchemaInferenceContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        recording.begin(.unkeyed)
        return UnkeyedSchemaInferenceContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        recording.begin(.single)
        return SingleValueSchemaInferenceContainer(decoder: self)
    }

    /// A decoder for a nested container, recording into `recording`.
    func nested(_ recording: SchemaRecording, at key: any CodingKey) -> SchemaInferenceDecoder {
        SchemaInferenceDecoder(inference: inference, recording: recording, codingPath: codingPath + [key], hints: nil, ownHint: nil)
    }
}

/// A coding key for positions in unkeyed containers and for `super`.
struct SchemaInferenceKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct KeyedSchemaInferenceContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: SchemaInferenceDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }
    /// No keys are known; a type that lists them reads keys it does not name, so its object stays open.
    var allKeys: [Key] {
        decoder.recording.openKeys()
        return []
    }

    func contains(_ key: Key) -> Bool {
        decoder.recording.checked(key.stringValue)
        return true
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        decoder.recording.nullable(key.stringValue)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, forKey: key) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try optionalValue(type, forKey: key) }

    private func value<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let path = codingPath + [key]
        let (value, schema) = try decoder.inference.infer(T.self, hint: decoder.hints?.properties[key.stringValue], path: path)
        decoder.recording.record(key.stringValue, .schema(schema), required: true)
        guard let value else { throw decoder.inference.recursionError(T.self, path: path) }
        return value
    }

    private func optionalValue<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let schema = try decoder.inference.infer(T.self, hint: nil, path: codingPath + [key]).schema
        // decodeIfPresent reads a missing key and a null alike, so the property is optional and nullable.
        decoder.recording.record(key.stringValue, .schema(SchemaInference.nullable(schema)), required: false)
        return nil
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try nestedDecoder(key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try nestedDecoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { nestedDecoder(SchemaInferenceKey(stringValue: "super")) }
    func superDecoder(forKey key: Key) throws -> any Decoder { nestedDecoder(key) }

    private func nestedDecoder(_ key: any CodingKey) -> SchemaInferenceDecoder {
        let nested = SchemaRecording()
        decoder.recording.record(key.stringValue, .nested(nested), required: true)
        return decoder.nested(nested, at: key)
    }

    // The typed requirements all go through the generic ones, where the inference dispatches on the type.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, forKey: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, forKey: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, forKey: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, forKey: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, forKey: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, forKey: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, forKey: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, forKey: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, forKey: key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optionalValue(type, forKey: key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optionalValue(type, forKey: key) }
}

struct UnkeyedSchemaInferenceContainer: UnkeyedDecodingContainer {
    let decoder: SchemaInferenceDecoder
    private(set) var currentIndex = 0
    /// Guards against loops that never decode an element.
    private var endChecks = 0

    init(decoder: SchemaInferenceDecoder) { self.decoder = decoder }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { 1 }
    var isAtEnd: Bool { currentIndex >= 1 }

    mutating func decodeNil() throws -> Bool {
        decoder.recording.nullableItem()
        endChecks += 1
        // A loop of decodeNil calls alone would never end; pretend the element was null.
        if endChecks > 16 { currentIndex += 1 }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }

    private mutating func value<T: Decodable>(_ type: T.Type) throws -> T {
        let path = codingPath + [SchemaInferenceKey(intValue: currentIndex)]
        let (value, schema) = try decoder.inference.infer(T.self, hint: nil, path: path)
        decoder.recording.item(.schema(schema))
        currentIndex += 1
        guard let value else { throw decoder.inference.recursionError(T.self, path: path) }
        return value
    }

    mutating func decodeIfPresent<T: Decodable>(_ type: T.Type) throws -> T? {
        let path = codingPath + [SchemaInferenceKey(intValue: currentIndex)]
        let schema = try decoder.inference.infer(T.self, hint: nil, path: path).schema
        decoder.recording.item(.schema(schema), nullable: true)
        currentIndex += 1
        return nil
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try nestedDecoder().container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nestedDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { nestedDecoder() }

    private mutating func nestedDecoder() -> SchemaInferenceDecoder {
        let nested = SchemaRecording()
        decoder.recording.item(.nested(nested))
        defer { currentIndex += 1 }
        return decoder.nested(nested, at: SchemaInferenceKey(intValue: currentIndex))
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
    mutating func decode(_ type: String.Type) throws -> String { try value(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try value(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try value(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try value(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }
}

struct SingleValueSchemaInferenceContainer: SingleValueDecodingContainer {
    let decoder: SchemaInferenceDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        decoder.recording.nullableSingle()
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }

    private func value<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, schema) = try decoder.inference.infer(T.self, hint: decoder.ownHint, path: codingPath)
        decoder.recording.single(.schema(schema))
        guard let value else { throw decoder.inference.recursionError(T.self, path: codingPath) }
        return value
    }

    func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
    func decode(_ type: String.Type) throws -> String { try value(type) }
    func decode(_ type: Double.Type) throws -> Double { try value(type) }
    func decode(_ type: Float.Type) throws -> Float { try value(type) }
    func decode(_ type: Int.Type) throws -> Int { try value(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }
}
