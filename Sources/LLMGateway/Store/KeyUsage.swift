import Foundation

/// What a key has used, as a round reads it inside its transaction (the minute's settled and reserved requests and
/// tokens, each period's spend, what is reserved), and what the round has admitted on it since: the admissions of one
/// round are decided one after another against these numbers, so together they cannot overrun a limit.
struct KeyUsage {
    var settledRequests = 0
    var settledTokens = 0
    /// When the minute's oldest settled second began (milliseconds since 1970).
    var settledOldest: Int?
    var reservedRequests = 0
    var reservedTokens = 0
    var reservedOldest: Int?
    /// What each budget period that holds the round's time has spent (the store keeps all three for every key).
    var spent: [BudgetPeriod: Int64] = [:]
    /// Every live reservation's cost, whatever its age.
    var reservedCost: Int64 = 0

    /// Decides `admission` at `now`; an admitted one counts for the admissions decided after it.
    mutating func decide(_ admission: Admission, now: Int) -> AdmissionDecision {
        let window = AdmissionWindow(
            requests: settledRequests + reservedRequests, tokens: settledTokens + reservedTokens,
            oldest: [settledOldest, reservedOldest].compactMap { $0 }.min())
        let committed = Picodollars((spent[admission.key.budgetPeriod] ?? 0) + reservedCost)
        let decision = window.decide(admission, committed: committed, now: now)
        if decision == .admitted {
            reservedRequests += 1
            reservedTokens += admission.tokens
            reservedCost += admission.cost.value
            reservedOldest = reservedOldest ?? now
        }
        return decision
    }

    /// The times a round reads its keys' usage at (milliseconds since 1970): the minute's first whole second (in
    /// seconds) and its first millisecond, the round's time, and the starts of its UTC day and month.
    struct Bounds {
        let firstSecond: Int, windowStart: Int, now: Int, dayStart: Int, monthStart: Int

        init(now: Int) {
            let date = Date(millisecondsSince1970: now)
            firstSecond = now / 1000 - AdmissionWindow.length / 1000
            windowStart = now - AdmissionWindow.length
            self.now = now
            dayStart = BudgetPeriod.daily.start(containing: date).millisecondsSince1970
            monthStart = BudgetPeriod.monthly.start(containing: date).millisecondsSince1970
        }
    }

    /// The round's time: its latest admission's (every admission of a round is decided when the round runs, which is
    /// no earlier than any of them asked).
    static func roundTime(_ admissions: [Admission]) -> Int {
        admissions.map(\.now.millisecondsSince1970).max() ?? 0
    }
}
