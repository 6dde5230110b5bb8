import NIOCore
import PostgresNIO

/// The statements of ``PostgresGatewayStore``'s rounds, prepared once a connection. Sent as unnamed statements, each
/// round's were parsed, analysed and planned again: half of PostgreSQL's CPU under load (perf, 3,000 requests/s),
/// against a fifth to run them. Their texts are the same whatever the number of rows: rows go in as one array a
/// column (`unnest`), not as a `VALUES` list that changes with each round's size.
enum PostgresRoundStatements {
    /// Locks the rows of a round's keys, in their order (two instances' rounds wait for each other, never deadlock).
    struct LockKeys: PostgresPreparedStatement {
        static let sql = "SELECT id FROM keys WHERE id = ANY($1::TEXT[]) ORDER BY id FOR UPDATE"
        typealias Row = String

        var keys: [String]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(keys)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String {
            try row.decode(String.self)
        }
    }

    /// What each key has used: its requests and tokens of the last window, settled and reserved, what its live
    /// reservations may cost, and its spend in each budget period.
    struct KeyUsageSums: PostgresPreparedStatement {
        static let sql = """
            SELECT b.key_id,
              (SELECT COALESCE(SUM(requests), 0) FROM window_usage WHERE key_id = b.key_id AND second > $2)::BIGINT,
              (SELECT COALESCE(SUM(tokens), 0) FROM window_usage WHERE key_id = b.key_id AND second > $2)::BIGINT,
              (SELECT MIN(second) * 1000 FROM window_usage WHERE key_id = b.key_id AND second > $2),
              (SELECT COUNT(*) FROM reservations WHERE key_id = b.key_id AND created_at > $3 AND expires_at > $4)::BIGINT,
              (SELECT COALESCE(SUM(tokens), 0) FROM reservations WHERE key_id = b.key_id AND created_at > $3 AND expires_at > $4)::BIGINT,
              (SELECT MIN(created_at) FROM reservations WHERE key_id = b.key_id AND created_at > $3 AND expires_at > $4),
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM reservations WHERE key_id = b.key_id AND expires_at > $4)::BIGINT,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = b.key_id AND period = 'total')::BIGINT,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = b.key_id AND period = 'daily' AND period_start = $5)::BIGINT,
              (SELECT COALESCE(SUM(cost_picousd), 0) FROM spend WHERE key_id = b.key_id AND period = 'monthly' AND period_start = $6)::BIGINT
            FROM unnest($1::TEXT[]) AS b(key_id)
            """
        typealias Row = (String, KeyUsage)

        var keys: [String]
        /// The first second of the window, the window's start and now (milliseconds), and the current day's and
        /// month's starts (milliseconds).
        var firstSecond: Int64, windowStart: Int64, now: Int64, dayStart: Int64, monthStart: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 6)
            bindings.append(keys)
            for value in [firstSecond, windowStart, now, dayStart, monthStart] { bindings.append(value) }
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> (String, KeyUsage) {
            let (key, settledRequests, settledTokens, settledOldest, reservedRequests, reservedTokens, reservedOldest, reservedCost, total, daily,
                monthly) = try row.decode((String, Int, Int, Int?, Int, Int, Int?, Int64, Int64, Int64, Int64).self)
            return (
                key,
                KeyUsage(
                    settledRequests: settledRequests, settledTokens: settledTokens, settledOldest: settledOldest,
                    reservedRequests: reservedRequests, reservedTokens: reservedTokens, reservedOldest: reservedOldest,
                    spent: [.total: total, .daily: daily, .monthly: monthly], reservedCost: reservedCost)
            )
        }
    }

    /// The reservations of a round's admitted requests.
    struct InsertReservations: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO reservations (request_id, key_id, tokens, cost_picousd, created_at, expires_at)
            SELECT * FROM unnest($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[], $6::BIGINT[])
            ON CONFLICT (request_id) DO NOTHING
            """
        typealias Row = ()

        var requestIDs: [String] = [], keyIDs: [String] = [], tokens: [Int64] = [], costs: [Int64] = []
        var createdAt: [Int64] = [], expiresAt: [Int64] = []

        var isEmpty: Bool { requestIDs.isEmpty }

        mutating func append(_ admission: Admission, now: Int64) {
            requestIDs.append(admission.requestID)
            keyIDs.append(admission.key.id)
            tokens.append(Int64(admission.tokens))
            costs.append(admission.cost.value)
            createdAt.append(now)
            expiresAt.append(Int64(admission.now.millisecondsSince1970) + Int64(admission.holdFor * 1000))
        }

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 6)
            bindings.append(requestIDs)
            bindings.append(keyIDs)
            for column in [tokens, costs, createdAt, expiresAt] { bindings.append(column) }
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

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
