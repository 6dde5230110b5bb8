/// What a type's `init(from:)` asked of a ``SchemaInferenceDecoder``, turned into a schema afterwards.
final class SchemaRecording {
    enum Kind { case keyed, unkeyed, single }

    /// A property or item: a finished schema, or a nested container still being filled.
    enum Part {
        case schema(JSONValue)
        case nested(SchemaRecording)

        var schema: JSONValue {
            switch self {
            case .schema(let schema): schema
            case .nested(let recording): (try? recording.schema(type: nil, hints: nil)) ?? [:]
            }
        }
    }

    /// The first container asked for decides the shape.
    private(set) var kind: Kind?
    private var properties: [String: Part] = [:]
    /// Keys decoded with `decode` (not `decodeIfPresent`).
    private var decodedKeys: Set<String> = []
    /// Keys asked about with `contains`: present only sometimes.
    private var checkedKeys: Set<String> = []
    /// Keys asked about with `decodeNil`: may hold `null`.
    private var nullableKeys: Set<String> = []
    /// `allKeys` was read: the type takes keys it does not name (a dictionary-like type).
    private(set) var keysAreOpen = false
    private var items: [Part] = []
    private var itemsNullable = false
    private var single: Part?
    private var singleNullable = false

    func begin(_ kind: Kind) {
        if self.kind == nil { self.kind = kind }
    }

    func record(_ key: String, _ part: Part, required: Bool) {
        if properties[key] == nil || required { properties[key] = part }
        if required { decodedKeys.insert(key) }
    }

    func checked(_ key: String) { checkedKeys.insert(key) }
    func openKeys() { keysAreOpen = true }
    func nullable(_ key: String) { nullableKeys.insert(key) }

    func item(_ part: Part, nullable: Bool = false) {
        items.append(part)
        if nullable { itemsNullable = true }
    }

    func nullableItem() { itemsNullable = true }

    func single(_ part: Part) { single = part }
    func nullableSingle() { singleNullable = true }

    /// The recorded shape as a schema; `hints` (of the type being derived) are applied to its properties.
    func schema(type: String?, hints: SchemaHints?) throws(StructuredOutputError) -> JSONValue {
        var schema: JSONValue
        switch kind {
        case .keyed?:
            var object: [String: JSONValue] = [:]
            for (key, part) in properties {
                var property = part.schema
                if nullableKeys.contains(key) { property = SchemaInference.nullable(property) }
                object[key] = property
            }
            if let hints {
                let unknown = hints.properties.keys.filter { object[$0] == nil }.sorted()
                if !unknown.isEmpty {
                    throw .schemaDerivationFailed(
                        type: type ?? "?", reason: "schemaHints name unknown properties: \(unknown.joined(separator: ", "))")
                }
                for (key, hint) in hints.properties { object[key] = hint.apply(to: object[key] ?? [:]) }
            }
            let required = decodedKeys.subtracting(checkedKeys).sorted()
            var keyed: [String: JSONValue] = [
                "type": "object", "properties": .object(object), "required": .array(required.map(JSONValue.string)),
            ]
            // Decoding ignores unknown keys, but a model should not invent fields.
            if !keysAreOpen { keyed["additionalProperties"] = false }
            schema = .object(keyed)
        case .unkeyed?:
            var distinct: [JSONValue] = []
            for item in items.map(\.schema) where !distinct.contains(item) { distinct.append(item) }
            var array: [String: JSONValue] = ["type": "array"]
            switch distinct.count {
            case 0: break
            case 1: array["items"] = distinct[0]
            default: array["items"] = ["anyOf": .array(distinct)]
            }
            if itemsNullable, let items = array["items"] { array["items"] = SchemaInference.nullable(items) }
            schema = .object(array)
        case .single?:
            schema = single?.schema ?? [:]
            if singleNullable { schema = SchemaInference.nullable(schema) }
        case nil:
            // init(from:) read nothing: any JSON will do.
            schema = [:]
        }
        if kind != .keyed, let hints, !hints.properties.isEmpty {
            throw .schemaDerivationFailed(type: type ?? "?", reason: "schemaHints name properties, but the type does not decode an object")
        }
        return SchemaInference.describe(schema, hints?.description)
    }
}
