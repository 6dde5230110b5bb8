import Foundation
import LLM

/// Suspends every caller until `parties` callers have arrived. Tools that wait on one barrier finish
/// only if they run at the same time: run one after the other, the first would wait forever.
actor Barrier {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arrive() async {
        arrived += 1
        if arrived >= parties {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// A gate that stays shut until `open()`, and ignores cancellation while shut: a handler waiting on it
/// "never returns" as far as the agent can tell.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        await withCheckedContinuation { continuation in
            lock.lock()
            if isOpen {
                lock.unlock()
                continuation.resume()
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    func open() {
        lock.lock()
        isOpen = true
        let continuations = waiting
        waiting.removeAll()
        lock.unlock()
        for continuation in continuations { continuation.resume() }
    }
}

/// A thread-safe list, for recording what handlers saw.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []

    func append(_ value: Value) {
        lock.lock()
        storage.append(value)
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// A provider that streams exactly the events it is given (one list per call), for replies
/// MockProvider cannot script, such as tool-call arguments cut off mid-stream.
final class EventScriptProvider: LLMProvider, @unchecked Sendable {
    let name = "events"
    private let lock = NSLock()
    private var scripts: [[StreamEvent]]
    private var received: [ChatRequest] = []

    init(_ scripts: [[StreamEvent]]) { self.scripts = scripts }

    var requests: [ChatRequest] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try await stream(request).collectResponse()
    }

    func stream(_ request: ChatRequest) -> LLMEventStream {
        lock.lock()
        received.append(request)
        let events = scripts.isEmpty ? [] : scripts.removeFirst()
        lock.unlock()
        return LLMEventStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
    }
}

struct CityInput: Decodable, Sendable {
    var city: String
}

let citySchema = JSONSchema.object(["city": .string(description: "City name")])

/// A weather tool that records the cities it was asked about.
func weatherTool(recording cities: Recorder<String>? = nil) -> AnyAgentTool {
    AgentTool(name: "get_weather", description: "Current weather for a city", input: CityInput.self, schema: citySchema) { input in
        cities?.append(input.city)
        return "21 °C and sunny in \(input.city)"
    }.erased
}

/// A short name for each event, to compare event orders.
func kind(_ event: AgentEvent) -> String {
    switch event {
    case .textDelta: "text"
    case .reasoningDelta: "reasoning"
    case .toolCall(let call): "call:\(call.name)"
    case .toolResult(let result): "result:\(result.name ?? "")"
    case .stepFinished(let step): "step\(step.index)"
    case .finished: "finished"
    }
}

/// Consecutive duplicates collapsed, so streamed deltas read as one entry.
func collapsed(_ kinds: [String]) -> [String] {
    kinds.reduce(into: []) { result, kind in
        if result.last != kind { result.append(kind) }
    }
}
