import Foundation
import NIOHTTP1

/// Reads the delay a server asks for before a retry.
public enum RetryAfter {
    /// `retry-after-ms` (milliseconds) wins over `Retry-After`, which is either seconds or an HTTP date.
    /// Returns nil when neither header is present or readable.
    public static func parse(_ headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let value = headers.first(name: "retry-after-ms"), let milliseconds = Double(value.trimmingWhitespace()),
            milliseconds.isFinite, milliseconds >= 0
        {
            return delay(milliseconds: milliseconds)
        }
        guard let value = headers.first(name: "retry-after")?.trimmingWhitespace(), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 {
            return delay(milliseconds: seconds * 1000)
        }
        if let date = httpDate(value) {
            return delay(milliseconds: max(0, date.timeIntervalSince(now)) * 1000)
        }
        return nil
    }

    /// The longest delay read from a server: a year. Larger numbers (a 52-digit header) would overflow
    /// `Duration` and trap; the retry policy caps the wait far below this anyway.
    static let longestDelay: Duration = .seconds(365 * 24 * 3600)

    /// A server-given delay in milliseconds as a `Duration`, clamped to a year (`longestDelay`) so that no
    /// header or body value can crash the process.
    public static func delay(milliseconds: Double) -> Duration {
        guard milliseconds.isFinite, milliseconds > 0 else { return .zero }
        return milliseconds >= 365 * 24 * 3600 * 1000 ? longestDelay : .milliseconds(milliseconds)
    }

    /// A delay as a `Retry-After` header's value for a server to send: whole seconds, rounded up, at least 1.
    public static func wholeSeconds(_ delay: Duration) -> Int {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        return max(1, Int(seconds.rounded(.up)))
    }

    /// Parses an HTTP date (IMF-fixdate, and the obsolete RFC 850 and asctime forms).
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
