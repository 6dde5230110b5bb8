import Foundation
import HTTPTypes
import Hummingbird
import LLM
import NIOCore

/// What the routes of every wire format share: reading a request body within the limit, request ids, and
/// starting a stream only once its first event is known, so an error before it gets a real HTTP status.
enum GatewayHTTP {
    static let requestID = HTTPField.Name("x-request-id")!

    /// The client's `x-request-id`, or a new one.
    static func requestID(of request: Request) -> String {
        request.headers[requestID].flatMap { $0.isEmpty || $0.count > 200 ? nil : $0 } ?? "req_" + RandomID.uuid()
    }

    /// The body as JSON, or the error to answer with: 413 past `limit`, 400 for anything that is not JSON (including
    /// invalid UTF-8), 415 for a content type other than JSON.
    /// Only the body's reading is awaited here; the checks before and after it are functions of their own, never
    /// inlined, so that their values stay out of this frame (see ``answer(_:stream:router:record:client:contentType:reply:encode:finish:failure:)``).
    @inline(never)
    static func json(of request: Request, limit: Int) async throws(LLMError) -> JSONValue {
        try checkContentType(of: request)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw tooLarge(limit)
        }
        return try parsed(buffer)
    }

    @inline(never)
    private static func checkContentType(of request: Request) throws(LLMError) {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw invalid("the content type must be application/json", status: 415)
        }
    }

    @inline(never)
    private static func tooLarge(_ limit: Int) -> LLMError {
        invalid("the request body is larger than \(limit) bytes", status: 413)
    }

    @inline(never)
    private static func parsed(_ buffer: ByteBuffer) throws(LLMError) -> JSONValue {
        do {
            return try JSONValue(parsing: Data(buffer: buffer))
        } catch {
            throw invalid("the request body is not valid JSON", status: 400)
        }
    }

    static func invalid(_ message: String, status: Int) -> LLMError {
        .invalidRequest(ProviderErrorDetails(provider: "gateway", status: status, message: message))
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: Int = 200, requestID: String, headers extra: [(String, String)] = []) -> Response {
        var buffer = ByteBuffer()
        value.writeJSON(to: &buffer)
        var headers: HTTPFields = [.contentType: "application/json", Self.requestID: requestID]
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: buffer))
    }

    /// A format's error answer (as its server side's `error(_:)` gives it) as a response.
    static func error(_ answer: (status: Int, body: JSONValue, headers: [(String, String)]), requestID: String) -> Response {
        json(answer.body, status: answer.status, requestID: requestID, headers: answer.headers)
    }

    /// The answer to a request that failed before its answer began, in its format (`answer` is the format's server
    /// side's `error(_:)`), noted in its record. Never inlined into the routes (see ``answer(_:stream:router:record:client:contentType:reply:encode:finish:failure:)``).
    @inline(never)
    static func failed(
        _ error: LLMError, record: RequestRecord, answer: (LLMError) -> (status: Int, body: JSONValue, headers: [(String, String)])
    ) -> Response {
        record.noteError(error)
        return self.error(answer(error), requestID: record.requestID)
    }

    /// An id for a reply: `prefix` and 32 random hex digits (`chatcmpl-…`, `msg_…`, `resp_…`).
    static func newID(_ prefix: String) -> String {
        prefix + RandomID.hex(bytes: 16)
    }

    /// A chat's answer in the client's format: the whole reply as `reply` writes it or, when the client asked for a
    /// stream, the stream as ``stream(_:record:client:contentType:encode:finish:failure:)`` writes it.
    ///
    /// The steps of a request's handling (reading the body, admission, the answer) are never inlined into the
    /// routes: an async function inlined into another adds its frame to the caller's, and a task keeps the largest
    /// stack of frames it ever needed until it ends (each route's frame was 6.5 KiB; the routes now run in a child
    /// task, `Router.postInTaskOfItsOwn`, which ends with the handler).
    @inline(never)
    static func answer(
        _ chat: ChatRequest, stream: Bool, router: ModelRouter, record: RequestRecord, client: any Channel,
        contentType: String = "text/event-stream", reply: (LLMResponse) -> JSONValue,
        encode: @escaping @Sendable (StreamEvent, inout ByteBuffer) -> Void,
        finish: @escaping @Sendable (inout ByteBuffer) -> Void,
        failure: @escaping @Sendable (LLMError, inout ByteBuffer) -> Void
    ) async throws(LLMError) -> Response {
        guard stream else { return try await complete(chat, router: router, record: record, reply: reply) }
        return try await self.stream(
            router.stream(chat, record: record), record: record, client: client, contentType: contentType, encode: encode,
            finish: finish, failure: failure)
    }

    /// Runs `work` in a child task and waits for it. A task keeps the memory of the largest frames it ever needed
    /// until it ends, and a connection's task lasts as long as the connection (a held stream, a kept-alive client):
    /// work with deep frames that is over before the reply's body (reading and decoding a request, admission and the
    /// store's round, the upstream call or a stream's setup) leaves nothing in it this way. A child of `async let`
    /// rather than a `Task`: its task is allocated in the parent's memory, and whole replies were 5% slower with a
    /// `Task`, 2% with this (wrk, 6 alternated rounds each, against running in the connection's task).
    static func inTaskOfItsOwn<Value: Sendable>(_ work: @escaping @Sendable () async throws(LLMError) -> Value) async throws(LLMError) -> Value {
        async let result = outcome(of: work)
        return try await result.get()
    }

    private static func outcome<Value>(of work: () async throws(LLMError) -> Value) async -> Result<Value, LLMError> {
        do throws(LLMError) {
            return .success(try await work())
        } catch {
            return .failure(error)
        }
    }

    /// The whole reply's answer. Never inlined: its reply stays out of the frame a stream's setup waits in.
    @inline(never)
    private static func complete(
        _ chat: ChatRequest, router: ModelRouter, record: RequestRecord, reply: (LLMResponse) -> JSONValue
    ) async throws(LLMError) -> Response {
        json(reply(try await router.complete(chat, record: record)), requestID: record.requestID)
    }

    /// The embeddings for `request` (whose model is an alias), admitted on the record's key: the reply every format's
    /// embeddings route writes in its own shape.
    static func embed(_ request: EmbeddingRequest, access: GatewayAccess, router: ModelRouter, record: RequestRecord) async throws(LLMError) -> EmbeddingResponse {
        try await access.admit(request, key: record.key, router: router, record: record)
        return try await router.embed(request, record: record)
    }

    /// Starts `events`: the first events are awaited here, so that a failure before them throws (and gets the format's
    /// error status); then a response of `contentType` writes `encode`'s bytes for each event, and `finish`'s at the
    /// end or `failure`'s when the stream breaks after it began. The `client` leaving (its connection, see
    /// ``ClientDepartureHandler``) cancels the stream, and so the upstream call, before or after the first events.
    @inline(never)
    static func stream(
        _ events: LLMEventStream, record: RequestRecord, client: any Channel, contentType: String = "text/event-stream",
        encode: @escaping @Sendable (StreamEvent, inout ByteBuffer) -> Void,
        finish: @escaping @Sendable (inout ByteBuffer) -> Void,
        failure: @escaping @Sendable (LLMError, inout ByteBuffer) -> Void
    ) async throws(LLMError) -> Response {
        let departure = ClientDeparture(watching: client)
        // The setup (the first events, pulled through the router and the provider) runs in the route's task of its own
        // (`Router.postInTaskOfItsOwn`), not in the connection's, which lasts as long as the stream: a task keeps the memory of
        // the largest frames it ever needed until it ends (the setup's cost some 15 KiB a stream, heaptrack).
        do {
            return try await departure.cancellingCurrentTask {
                try await start(events, record: record, departure: departure, contentType: contentType, encode: encode, finish: finish, failure: failure)
            }
        } catch {
            throw LLMError(normalising: error)
        }
    }

    private static func start(
        _ events: LLMEventStream, record: RequestRecord, departure: ClientDeparture, contentType: String,
        encode: @escaping @Sendable (StreamEvent, inout ByteBuffer) -> Void,
        finish: @escaping @Sendable (inout ByteBuffer) -> Void,
        failure: @escaping @Sendable (LLMError, inout ByteBuffer) -> Void
    ) async throws(LLMError) -> Response {
        let reader = EventReader(events.makeAsyncIterator())
        var firstBatch: [StreamEvent] = []
        do {
            try await reader.next(into: &firstBatch)
        } catch {
            throw LLMError(normalising: error)
        }
        let first = firstBatch
        record.update { $0.streaming = true }
        let headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-cache", Self.requestID: record.requestID]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await departure.cancellingCurrentTask {
                try await write(first: first, rest: reader, to: &writer, record: record, encode: encode, finish: finish, failure: failure)
            }
        })
    }

    /// The body of a stream started by ``stream(_:record:client:contentType:encode:finish:failure:)``, written a batch
    /// at a time (all that one read of the upstream decoded: one event a write made a zero-latency upstream's stream
    /// of 100 events 114 system calls). A function of its own, never inlined: the response body runs in the
    /// connection's task for as long as the stream lasts, and the task keeps the largest frame it ever needed
    /// (inlined into the closure, the stream's setup made that frame tens of kilobytes a stream).
    @inline(never)
    static func write(
        first: [StreamEvent], rest reader: EventReader, to writer: inout any ResponseBodyWriter, record: RequestRecord,
        encode: @Sendable (StreamEvent, inout ByteBuffer) -> Void, finish: @Sendable (inout ByteBuffer) -> Void,
        failure: @Sendable (LLMError, inout ByteBuffer) -> Void
    ) async throws {
        // The request is over when the body is: logged with the error that broke it, or as a client that left.
        var broke: LLMError?
        defer { record.finish(status: 200, error: broke) }
        var buffer = ByteBuffer()
        do {
            // An empty batch is the end of the stream.
            var batch = first
            while !batch.isEmpty {
                for event in batch {
                    record.observe(event)
                    if case .finish = event {
                        // The ledger row is committed before the reply's last bytes go out; what came before the
                        // finish in its batch goes out first, so that the text does not wait for the commit.
                        try await send(&buffer, to: &writer)
                        await record.settle(status: 200)
                    }
                    encode(event, &buffer)
                }
                try await send(&buffer, to: &writer)
                batch.removeAll(keepingCapacity: true)
                try await reader.next(into: &batch)
            }
            await record.settle(status: 200)
            finish(&buffer)
        } catch let error as LLMError where error != .cancelled && !Task.isCancelled {
            broke = error
            await record.settle(status: 200, error: error.kind)
            failure(error, &buffer)
        } catch {
            // The client went away (a write failed, or its connection ended and cancelled this task): the row keeps
            // the usage so far.
            broke = .cancelled
            await record.settle(status: 499, error: "cancelled")
            throw error
        }
        // A write that fails (the client went away) throws out of here.
        try await writer.write(buffer)
        try await writer.finish(nil)
    }

    /// Writes what `buffer` holds, if anything, and empties it.
    private static func send(_ buffer: inout ByteBuffer, to writer: inout any ResponseBodyWriter) async throws {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer.clear()
    }
}

/// The one reader of a stream, handed from the request's task to the response body's writer.
final class EventReader: @unchecked Sendable {
    private var iterator: LLMEventStream.AsyncIterator

    init(_ iterator: LLMEventStream.AsyncIterator) {
        self.iterator = iterator
    }

    /// Appends every event the stream holds (pulling it when it holds none); nothing at the end.
    func next(into batch: inout [StreamEvent]) async throws {
        try await iterator.next(into: &batch)
    }
}

extension Router where Context == GatewayRequestContext {
    /// A POST route whose handler runs in a child task, as ``GatewayHTTP/inTaskOfItsOwn(_:)`` runs its work: the
    /// frames a handler needed on the way (reading, admission, the upstream call, a stream's setup) end with it rather
    /// than stay in the connection's task. On the gateway's routes that read a body, 1,000 held streams kept 4.6 MB
    /// less heap (glibc's `malloc_stats()`, 49.9 -> 45.3 MB), the connection's task 11.4 KB deep (the stream's
    /// reading) rather than 14.9 (`Benchmarks/Gateway/task-frames.sh`).
    @discardableResult
    func postInTaskOfItsOwn(_ path: RouterPath, use handler: @escaping @Sendable (Request, GatewayRequestContext) async -> Response) -> Self {
        post(path) { request, context in
            async let response = handler(request, context)
            return await response
        }
    }
}
