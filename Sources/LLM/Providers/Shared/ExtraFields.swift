/// ``ChatRequest/extraFields`` in a request body: members the library does not map are added; a member the mapping
/// wrote is never replaced (an object is merged, the mapping's own keys winning). So a request passed on as it came
/// (a gateway's) cannot change what the mapping decided: its model, its token limit, its stream flag.
enum ExtraFields {
    static func add(_ extra: [String: JSONValue], to body: inout [String: JSONValue]) {
        for (key, value) in extra {
            switch (body[key], value) {
            case (nil, _):
                body[key] = value
            case (.object(let mine)?, .object(let theirs)):
                body[key] = .object(mine.merging(theirs) { mine, _ in mine })
            default:
                continue
            }
        }
    }
}
