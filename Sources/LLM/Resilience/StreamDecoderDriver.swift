import NIOCore

/// Calls a ``StreamBodyDecoder`` through closures made where its concrete type is known.
///
/// A call through `any StreamBodyDecoder` to a generic decoder (every provider's is a
/// ``FramedBodyDecoder``) runs the decoder's unspecialized code: each chunk then looks up type metadata
/// and handles its messages through value witnesses (about 7% of a stream's decoding CPU, seen with `perf`
/// on `StreamBench --layer decode`). These closures are compiled for the concrete type instead.
struct StreamDecoderDriver {
    /// The decoder as given; never mutated, so a ``StreamAttempt`` stays a value.
    let decoder: any StreamBodyDecoder
    /// Starts decoding one body with a copy of `decoder` of its own.
    let start: () -> Session

    /// One body's decoding: a copy of the decoder, reached through specialized closures.
    struct Session {
        let decode: (ByteBuffer, inout [StreamEvent]) throws -> StreamControl
        let finish: (inout [StreamEvent]) throws -> Void
    }

    init<Decoder: StreamBodyDecoder>(_ decoder: Decoder) {
        self.decoder = decoder
        start = {
            let state = DecoderState(decoder)
            return Session(
                decode: { chunk, events in try state.decoder.decode(chunk, into: &events) },
                finish: { events in try state.decoder.finish(into: &events) })
        }
    }
}

/// The decoder the closures of one ``StreamDecoderDriver/Session`` share.
private final class DecoderState<Decoder: StreamBodyDecoder> {
    var decoder: Decoder

    init(_ decoder: Decoder) {
        self.decoder = decoder
    }
}
