import NIOCore
import PostgresNIO

/// The statement of ``PostgresGatewayStore``'s settlement rounds, prepared once a connection (its admissions' is
/// ``PostgresAdmitRound``). Sent as unnamed statements, each round's were parsed, analysed and planned again: half of
/// PostgreSQL's CPU under load (perf, 3,000 requests/s), against a fifth to run them. Their texts are the same whatever
/// the number of rows: rows go in as one array a column (`unnest`), not as a `VALUES` list that changes with each
/// round's size.
enum PostgresRoundStatements {
    /// A round's settlements: their ledger rows and, for those that are new, the per-second counts and the running
    /// spend of each budget period, and the end of their reservations, in one statement (data-modifying CTEs). Counts
    /// and spend rows are upserted in the order of their keys, so two instances settling the same keys at once wait for
    /// each other rather than deadlock.
    struct SettleRows: PostgresPreparedStatement {
        static let columns = """
            request_id, time, key_id, alias, provider, model, format, streamed, status, error_kind, input_tokens, output_tokens,
            cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms, ttft_ms
            """
        static let sql = """
            WITH rows (\(columns), day_start, month_start) AS (
              SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::BOOLEAN[],
                $9::BIGINT[], $10::TEXT[], $11::BIGINT[], $12::BIGINT[], $13::BIGINT[], $14::BIGINT[], $15::BIGINT[], $16::BIGINT[],
                $17::BIGINT[], $18::BIGINT[], $19::BIGINT[], $20::BIGINT[])),
            inserted AS (
              INSERT INTO ledger (\(columns)) SELECT \(columns) FROM rows ON CONFLICT (request_id) DO NOTHING RETURNING request_id),
            new_rows AS (SELECT rows.* FROM rows JOIN inserted USING (request_id) WHERE rows.key_id IS NOT NULL),
            counts AS (
              INSERT INTO window_usage (key_id, second, requests, tokens)
              SELECT key_id, time / 1000, COUNT(*), SUM(input_tokens + output_tokens) FROM new_rows GROUP BY key_id, time / 1000
              ORDER BY 1, 2
              ON CONFLICT (key_id, second) DO UPDATE SET requests = window_usage.requests + EXCLUDED.requests,
              tokens = window_usage.tokens + EXCLUDED.tokens),
            costs AS (
              INSERT INTO spend (key_id, period, period_start, cost_picousd)
              SELECT key_id, period, period_start, SUM(cost_picousd) FROM (
                SELECT key_id, 'total' AS period, 0::BIGINT AS period_start, cost_picousd FROM new_rows
                UNION ALL SELECT key_id, 'daily', day_start, cost_picousd FROM new_rows
                UNION ALL SELECT key_id, 'monthly', month_start, cost_picousd FROM new_rows) AS periods
              WHERE cost_picousd > 0 GROUP BY key_id, period, period_start ORDER BY 1, 2, 3
              ON CONFLICT (key_id, period, period_start) DO UPDATE SET cost_picousd = spend.cost_picousd + EXCLUDED.cost_picousd)
            DELETE FROM reservations WHERE request_id IN (SELECT request_id FROM rows)
            """
        typealias Row = ()

        let rows: [LedgerRow]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 20)
            bindings.append(rows.map(\.requestID))
            bindings.append(rows.map { Int64($0.time.millisecondsSince1970) })
            for column in [rows.map(\.keyID), rows.map(\.alias), rows.map(\.provider), rows.map(\.model)] { bindings.append(NullableArray(column)) }
            bindings.append(rows.map(\.format))
            bindings.append(rows.map(\.streamed))
            bindings.append(rows.map { Int64($0.status) })
            bindings.append(NullableArray(rows.map(\.errorKind)))
            let counts: [KeyPath<LedgerRow, Int>] = [\.inputTokens, \.outputTokens, \.cacheReadTokens, \.cacheWriteTokens, \.reasoningTokens]
            for count in counts { bindings.append(rows.map { Int64($0[keyPath: count]) }) }
            bindings.append(rows.map(\.cost.value))
            bindings.append(rows.map { Int64($0.latencyMilliseconds) })
            bindings.append(NullableArray(rows.map { $0.timeToFirstTokenMilliseconds.map(Int64.init) }))
            var periodStarts = PeriodStarts()
            let starts = rows.map { periodStarts.of($0.time) }
            bindings.append(starts.map { Int64($0.daily) })
            bindings.append(starts.map { Int64($0.monthly) })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }
}

/// A one-dimensional PostgreSQL array whose elements may be NULL, in the binary format (postgres-nio's arrays have no
/// NULL element): dimensions, a has-NULLs flag, the element type, the length and lower bound, then each element as
/// its length (-1 for NULL) and bytes.
struct NullableArray<Element: PostgresArrayEncodable & PostgresNonThrowingEncodable>: PostgresNonThrowingEncodable {
    let elements: [Element?]

    init(_ elements: [Element?]) {
        self.elements = elements
    }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        guard !elements.isEmpty else {
            // An empty array has no dimensions.
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(Element.psqlType.rawValue)
            return
        }
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(elements.contains { $0 == nil } ? 1 : 0))
        buffer.writeInteger(Element.psqlType.rawValue)
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(Int32(1))
        for element in elements {
            guard let element else {
                buffer.writeInteger(Int32(-1))
                continue
            }
            let lengthAt = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - lengthAt - 4), at: lengthAt)
        }
    }
}
