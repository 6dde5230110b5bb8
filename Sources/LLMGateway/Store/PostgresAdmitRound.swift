import Foundation
import PostgresNIO

/// A round of admissions on PostgreSQL in one trip: a function of the store's schema locks the round's keys, reads
/// what each has used, decides the admissions one after another and inserts the admitted ones' reservations, all in
/// the implicit transaction of one statement. Five trips before (begin, lock, sums, insert, commit), each a wait for
/// the database and for the gateway's threads while the keys' locks were held.
///
/// The function applies ``AdmissionWindow``'s rule, and returns, for each admission, whether it admitted it and the
/// numbers it decided on; the store decides again in Swift from those numbers (for the refusals' reasons and
/// `Retry-After`) and treats a disagreement as an error, after giving back the reservations the round made. So the
/// rule's two copies are checked against each other at every admission; the sums and the counting of a round's
/// earlier admissions, which only the function does, are checked against SQLite's by `PostgresAdmitRoundTests`.
struct PostgresAdmitRound: PostgresPreparedStatement {
    /// The function, made by the store's second migration. Its statements each see what committed before they began
    /// (a volatile function under read committed, which the store's connections pin), so the sums, read after the
    /// keys' locks, count every admission an instance committed on those keys before this round got their locks. A
    /// change to it is a new function under a new name, made by a new migration: during a rolling deploy, instances
    /// of the older release keep calling theirs.
    static let function = """
        CREATE OR REPLACE FUNCTION admit_round_v1(
            request_ids TEXT[], admission_keys TEXT[], admission_tokens BIGINT[], admission_costs BIGINT[],
            admission_expiries BIGINT[], key_rpms BIGINT[], key_tpms BIGINT[], key_budgets BIGINT[], key_periods TEXT[],
            round_now BIGINT, first_second BIGINT, window_start BIGINT, day_start BIGINT, month_start BIGINT, sweep BOOLEAN)
        RETURNS TABLE (admission BIGINT, admitted BOOLEAN, used_requests BIGINT, used_tokens BIGINT, used_oldest BIGINT,
            committed_cost BIGINT)
        LANGUAGE plpgsql VOLATILE AS $function$
        DECLARE
            round_keys TEXT[] := ARRAY(SELECT DISTINCT round_key FROM unnest(admission_keys) AS round_key ORDER BY round_key);
            -- What each of round_keys has used, by its place in round_keys.
            requests_of BIGINT[]; tokens_of BIGINT[]; settled_oldest_of BIGINT[]; reserved_oldest_of BIGINT[];
            reserved_cost_of BIGINT[]; total_of BIGINT[]; daily_of BIGINT[]; monthly_of BIGINT[];
            sums RECORD;
            k INT;
            admitted_ids TEXT[] := '{}'; admitted_keys TEXT[] := '{}'; admitted_tokens BIGINT[] := '{}';
            admitted_costs BIGINT[] := '{}'; admitted_expiries BIGINT[] := '{}';
        BEGIN
            -- In the keys' order: two instances' rounds wait for each other, never deadlock.
            PERFORM 1 FROM keys WHERE id = ANY(round_keys) ORDER BY id FOR UPDATE;
            IF sweep THEN
                DELETE FROM reservations WHERE expires_at <= round_now;
                DELETE FROM window_usage WHERE second < round_now / 1000 - 120;
            END IF;
            FOR sums IN
                SELECT b.place, w.requests + r.requests AS requests, w.tokens + r.tokens AS tokens, w.oldest AS settled_oldest,
                  r.oldest AS reserved_oldest, r.cost AS reserved_cost, s.total, s.daily, s.monthly
                FROM unnest(round_keys) WITH ORDINALITY AS b(key_id, place)
                CROSS JOIN LATERAL (
                  SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(tokens), 0) AS tokens, MIN(second) * 1000 AS oldest
                  FROM window_usage WHERE key_id = b.key_id AND second > first_second) AS w
                CROSS JOIN LATERAL (
                  SELECT COUNT(*) FILTER (WHERE created_at > window_start) AS requests,
                    COALESCE(SUM(tokens) FILTER (WHERE created_at > window_start), 0) AS tokens,
                    MIN(created_at) FILTER (WHERE created_at > window_start) AS oldest, COALESCE(SUM(cost_picousd), 0) AS cost
                  FROM reservations WHERE key_id = b.key_id AND expires_at > round_now) AS r
                CROSS JOIN LATERAL (
                  SELECT COALESCE(SUM(cost_picousd) FILTER (WHERE period = 'total'), 0) AS total,
                    COALESCE(SUM(cost_picousd) FILTER (WHERE period = 'daily'), 0) AS daily,
                    COALESCE(SUM(cost_picousd) FILTER (WHERE period = 'monthly'), 0) AS monthly
                  FROM spend WHERE key_id = b.key_id
                    AND (period = 'total' OR (period = 'daily' AND period_start = day_start) OR (period = 'monthly' AND period_start = month_start))) AS s
            LOOP
                requests_of[sums.place] := sums.requests;
                tokens_of[sums.place] := sums.tokens;
                settled_oldest_of[sums.place] := sums.settled_oldest;
                reserved_oldest_of[sums.place] := sums.reserved_oldest;
                reserved_cost_of[sums.place] := sums.reserved_cost;
                total_of[sums.place] := sums.total;
                daily_of[sums.place] := sums.daily;
                monthly_of[sums.place] := sums.monthly;
            END LOOP;
            -- AdmissionWindow's rule, one admission after another: an admitted one counts for those after it.
            FOR i IN 1 .. COALESCE(array_length(request_ids, 1), 0) LOOP
                k := array_position(round_keys, admission_keys[i]);
                admission := i;
                used_requests := requests_of[k];
                used_tokens := tokens_of[k];
                used_oldest := LEAST(settled_oldest_of[k], reserved_oldest_of[k]);
                committed_cost := reserved_cost_of[k]
                    + CASE key_periods[i] WHEN 'daily' THEN daily_of[k] WHEN 'monthly' THEN monthly_of[k] ELSE total_of[k] END;
                admitted := NOT (key_rpms[i] IS NOT NULL AND used_requests + 1 > key_rpms[i])
                    AND NOT (key_tpms[i] IS NOT NULL AND used_tokens + admission_tokens[i] > key_tpms[i])
                    AND NOT (key_budgets[i] IS NOT NULL AND committed_cost + admission_costs[i] > key_budgets[i]);
                IF admitted THEN
                    requests_of[k] := requests_of[k] + 1;
                    tokens_of[k] := tokens_of[k] + admission_tokens[i];
                    reserved_cost_of[k] := reserved_cost_of[k] + admission_costs[i];
                    reserved_oldest_of[k] := COALESCE(reserved_oldest_of[k], round_now);
                    admitted_ids := admitted_ids || request_ids[i];
                    admitted_keys := admitted_keys || admission_keys[i];
                    admitted_tokens := admitted_tokens || admission_tokens[i];
                    admitted_costs := admitted_costs || admission_costs[i];
                    admitted_expiries := admitted_expiries || admission_expiries[i];
                END IF;
                RETURN NEXT;
            END LOOP;
            INSERT INTO reservations (request_id, key_id, tokens, cost_picousd, created_at, expires_at)
            SELECT a.request_id, a.key_id, a.tokens, a.cost, round_now, a.expiry
            FROM unnest(admitted_ids, admitted_keys, admitted_tokens, admitted_costs, admitted_expiries) AS a(request_id, key_id, tokens, cost, expiry)
            ON CONFLICT (request_id) DO NOTHING;
        END
        $function$
        """

    static let sql = """
        SELECT admission, admitted, used_requests, used_tokens, used_oldest, committed_cost
        FROM admit_round_v1($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[], $6::BIGINT[], $7::BIGINT[], $8::BIGINT[],
          $9::TEXT[], $10, $11, $12, $13, $14, $15)
        """

    /// What the function decided for one admission, and the numbers it decided on.
    struct Outcome {
        /// The admission's place in the round, from 0.
        var index: Int
        var admitted: Bool
        var window: AdmissionWindow
        var committed: Picodollars
    }
    typealias Row = Outcome

    let admissions: [Admission]
    /// The round's time (milliseconds).
    let now: Int
    /// Whether the round deletes expired reservations and old per-second counts first.
    let sweep: Bool

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 15)
        bindings.append(admissions.map(\.requestID))
        bindings.append(admissions.map(\.key.id))
        bindings.append(admissions.map { Int64($0.tokens) })
        bindings.append(admissions.map(\.cost.value))
        bindings.append(admissions.map { Int64($0.now.millisecondsSince1970) + Int64($0.holdFor * 1000) })
        bindings.append(NullableArray(admissions.map { $0.key.rpm.map(Int64.init) }))
        bindings.append(NullableArray(admissions.map { $0.key.tpm.map(Int64.init) }))
        bindings.append(NullableArray(admissions.map { $0.key.budget?.value }))
        bindings.append(admissions.map(\.key.budgetPeriod.rawValue))
        let bounds = KeyUsage.Bounds(now: now)
        for value in [bounds.now, bounds.firstSecond, bounds.windowStart, bounds.dayStart, bounds.monthStart] { bindings.append(Int64(value)) }
        bindings.append(sweep)
        return bindings
    }

    /// Each admission's decision, decided again from the numbers the database decided on.
    func decisions(from outcomes: [Outcome]) throws -> [AdmissionDecision] {
        let outcomes = outcomes.sorted { $0.index < $1.index }
        guard outcomes.map(\.index) == Array(admissions.indices) else {
            throw AdmissionRuleDisagreement(
                description: "PostgreSQL answered \(outcomes.count) times for a round of \(admissions.count) admissions, not once for each")
        }
        return try zip(admissions, outcomes).map { admission, outcome in
            let decision = outcome.window.decide(admission, committed: outcome.committed, now: now)
            guard (decision == .admitted) == outcome.admitted else {
                throw AdmissionRuleDisagreement(
                    description: "the store's admission rule disagrees with the gateway's: PostgreSQL \(outcome.admitted ? "admitted" : "refused") request \(admission.requestID)")
            }
            return decision
        }
    }

    func decodeRow(_ row: PostgresRow) throws -> Outcome {
        let (admission, admitted, requests, tokens, oldest, committed) = try row.decode((Int, Bool, Int, Int, Int?, Int64).self)
        return Outcome(
            index: admission - 1, admitted: admitted, window: AdmissionWindow(requests: requests, tokens: tokens, oldest: oldest),
            committed: Picodollars(committed))
    }
}

/// PostgreSQL's copy of the admission rule decided a request otherwise than ``AdmissionWindow`` does from the same
/// numbers, or did not answer once for each admission of a round: a bug in one copy, refused rather than guessed.
struct AdmissionRuleDisagreement: Error, CustomStringConvertible {
    let description: String
}
