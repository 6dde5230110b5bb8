import NIOCore

/// Incremental decoder for `text/event-stream` bodies, following the WHATWG HTML
/// "event stream interpretation" rules.
///
/// Feed body chunks as they arrive with `decode(_:)`, then call `finish()` at end of stream.
/// Chunks may split lines, CRLF pairs and UTF-8 characters anywhere.
public struct SSEDecoder: Sendable {
    /// Bytes of a line whose end has not arrived yet.
    private var pending = ByteBuffer()
    /// The previous chunk ended in CR, so an LF at the start of the next one completes that line end.
    private var skipLeadingLF = false
    /// The next line is the first of the stream, where a UTF-8 BOM is skipped.
    private var atStreamStart = true

    // The event being built.
    /// Its data so far: a slice of the chunk when it is one line that came whole (most events), so that
    /// dispatching it copies nothing; a buffer of its own when lines are joined or a line was split.
    private var data = ByteBuffer()
    private var hasData = false
    private var eventType = ""
    /// The last `event` value read: streams repeat a few types, so an equal one reuses this String.
    private var previousEventType = ""
    private var retry: Int?
    private var lastEventIDBuffer: String?

    /// The last event ID committed by a blank line (the spec's "last event ID string"):
    /// the value to send as `Last-Event-ID` when reconnecting. An `id` in an event that
    /// never completed is not committed.
    public private(set) var lastEventID: String?
    /// The stream's reconnection time in milliseconds, from the last valid `retry` field.
    public private(set) var reconnectionTime: Int?
    /// Whether the last `finish()` discarded an event that had data but no closing blank line,
    /// which usually means the stream was truncated.
    public private(set) var discardedIncompleteEvent = false

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next chunk of the body and returns the events it completed.
    public mutating func decode(_ chunk: ByteBuffer) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        decode(chunk, into: &events)
        return events
    }

    /// Decodes the next chunk of the body, appending the events it completed to `events` (whose storage a
    /// caller can reuse from chunk to chunk).
    public mutating func decode(_ chunk: ByteBuffer, into events: inout [ServerSentEvent]) {
        chunk.withUnsafeReadableBytes { bytes in
            var start = 0
            if skipLeadingLF, !bytes.isEmpty {
                skipLeadingLF = false
                if bytes[0] == .lf { start = 1 }
            }
            while let end = Self.firstLineBreak(in: bytes, from: start) {
                if pending.readableBytes == 0 {
                    processLine(bytes, start..<end, of: chunk, into: &events)
                } else {
                    pending.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    processPendingLine(into: &events)
                }
                start = end + 1
                if bytes[end] == .cr {
                    if start == bytes.count {
                        skipLeadingLF = true
                    } else if bytes[start] == .lf {
                        start += 1
                    }
                }
            }
            if start < bytes.count {
                pending.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start...]))
            }
        }
    }

    /// Ends the stream and readies the decoder for a new one (keeping `lastEventID`).
    ///
    /// A final line without a line end is still processed, but by spec an event not closed
    /// by a blank line is discarded, so this returns `[]`; `discardedIncompleteEvent`
    /// tells whether such an event had data.
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if pending.readableBytes > 0 {
            processPendingLine(into: &events)
        }
        // The line above is never blank (a BOM-only stream aside, which dispatches nothing).
        assert(events.isEmpty)
        discardedIncompleteEvent = hasData
        resetEvent()
        lastEventIDBuffer = lastEventID
        skipLeadingLF = false
        atStreamStart = true
        return events
    }

    // MARK: - Lines

    /// Index of the next CR or LF at or after `start`: the first LF, unless a CR comes before it.
    @inline(__always)
    private static func firstLineBreak(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let lineFeed = ByteSearch.firstIndex(of: .lf, in: bytes, from: start)
        return ByteSearch.firstIndex(of: .cr, in: bytes, from: start, to: lineFeed) ?? lineFeed
    }

    /// Processes the completed line held in `pending`, then empties it keeping its storage.
    private mutating func processPendingLine(into events: inout [ServerSentEvent]) {
        do {
            // A local copy, so processLine may mutate self while the bytes are borrowed.
            let line = pending
            line.withUnsafeReadableBytes { processLine($0, 0..<$0.count, of: line, into: &events) }
        }
        pending.clear()  // a data slice of `line` keeps the old storage; `pending` gets new storage
    }

    /// Processes the line at `range` of `bytes`, the readable bytes of `source`.
    private mutating func processLine(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, of source: ByteBuffer, into events: inout [ServerSentEvent]
    ) {
        var line = range
        if atStreamStart {
            atStreamStart = false
            if line.count >= 3, bytes[line.lowerBound] == 0xEF, bytes[line.lowerBound + 1] == 0xBB,
                bytes[line.lowerBound + 2] == 0xBF
            {
                line = (line.lowerBound + 3)..<line.upperBound
            }
        }
        guard !line.isEmpty else {
            dispatch(into: &events)
            return
        }
        if bytes[line.lowerBound] == .colon { return }  // comment

        let nameEnd = ByteSearch.firstIndex(of: .colon, in: bytes, from: line.lowerBound, to: line.upperBound) ?? line.upperBound
        let name = UnsafeRawBufferPointer(rebasing: bytes[line.lowerBound..<nameEnd])
        var valueStart = min(nameEnd + 1, line.upperBound)
        if valueStart < line.upperBound, bytes[valueStart] == .space { valueStart += 1 }
        let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<line.upperBound])

        if Self.is(name, "data") {
            // Equivalent to the spec's "append value + LF, drop one trailing LF at dispatch".
            if hasData {
                data.writeInteger(UInt8.lf)
                data.writeBytes(value)
            } else {
                data = source.getSlice(at: source.readerIndex + valueStart, length: value.count) ?? ByteBuffer()
                hasData = true
            }
        } else if Self.is(name, "event") {
            eventType = Self.is(value, previousEventType) ? previousEventType : String(decoding: value, as: UTF8.self)
            previousEventType = eventType
        } else if Self.is(name, "id") {
            if !value.contains(0) {
                lastEventIDBuffer = String(decoding: value, as: UTF8.self)
            }
        } else if Self.is(name, "retry") {
            if let milliseconds = Self.parseDigits(value) {
                retry = milliseconds
                reconnectionTime = milliseconds
            }
        }
        // Other fields are ignored.
    }

    /// Handles a blank line.
    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        lastEventID = lastEventIDBuffer
        if hasData {
            // Spec: an empty event type buffer means "message" (so "event:" alone does too).
            let type = eventType.isEmpty ? "message" : eventType
            events.append(ServerSentEvent(event: type, dataBuffer: data, id: lastEventIDBuffer, retry: retry))
        }
        resetEvent()
    }

    private mutating func resetEvent() {
        data = ByteBuffer()
        hasData = false
        eventType = ""
        retry = nil
    }

    /// Whether `bytes` are the UTF-8 of `text`.
    @inline(__always)
    private static func `is`(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in ByteSearch.same(UnsafeRawBufferPointer(utf8), bytes) }
    }

    /// A non-empty run of ASCII digits as an Int; nil otherwise or on overflow.
    private static func parseDigits(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var result = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = result.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            result = sum
        }
        return result
    }
}

extension UInt8 {
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let space = UInt8(ascii: " ")
}
