import Foundation

/// The starts of the UTC day and month a time falls in (milliseconds), as `BudgetPeriod` finds them, found once for
/// each minute of a round's rows (a period starts on a whole minute, and the calendar is the costly part).
struct PeriodStarts {
    private var known: [Int: (daily: Int, monthly: Int)] = [:]

    mutating func of(_ time: Date) -> (daily: Int, monthly: Int) {
        let minute = time.millisecondsSince1970 / 60_000
        if let starts = known[minute] { return starts }
        let starts = (
            daily: BudgetPeriod.daily.start(containing: time).millisecondsSince1970,
            monthly: BudgetPeriod.monthly.start(containing: time).millisecondsSince1970
        )
        known[minute] = starts
        return starts
    }
}
