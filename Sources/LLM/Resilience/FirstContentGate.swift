/// Holds back an attempt's content-free events (start, usage, finish) until its first content event,
/// so that an attempt failing before any content can be retried without the caller seeing it.
struct FirstContentGate {
    private var held: [StreamEvent] = []
    private(set) var deliveredContent = false
    private(set) var stopReason: StopReason?
    private(set) var model: String?

    /// Passes `event` on through `deliver` now, or holds it until the first content event.
    mutating func pass(_ event: StreamEvent, to deliver: (StreamEvent) -> Void) {
        observe(event)
        if deliveredContent {
            deliver(event)
        } else if event.isContent {
            deliveredContent = true
            flush(to: deliver)
            deliver(event)
        } else {
            held.append(event)
        }
    }

    /// Notes what the gate tracks (model, stop reason) of events delivered without it, once
    /// `deliveredContent` holds nothing back.
    mutating func observe(_ events: [StreamEvent]) {
        for event in events { observe(event) }
    }

    private mutating func observe(_ event: StreamEvent) {
        switch event {
        case .start(_, let model):
            if let model { self.model = model }
        case .finish(let reason, _, let model):
            stopReason = reason
            if let model { self.model = model }
        default:
            break
        }
    }

    /// Delivers the events still held (at the end of an attempt that may have had no content).
    mutating func flush(to deliver: (StreamEvent) -> Void) {
        for event in held { deliver(event) }
        held.removeAll()
    }

    /// An attempt that ended without content and without running out of tokens is empty.
    var endedEmpty: Bool { !deliveredContent && stopReason != .maxTokens }
}

extension StreamEvent {
    /// Whether this event carries part of the reply itself (text, reasoning or a tool call).
    var isContent: Bool {
        switch self {
        case .start, .usage, .finish, .textEnd: false
        default: true
        }
    }
}
