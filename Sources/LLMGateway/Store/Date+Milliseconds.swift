import Foundation

extension Date {
    /// Milliseconds since 1970, rounded: how both stores keep times.
    var millisecondsSince1970: Int { Int((timeIntervalSince1970 * 1000).rounded()) }

    init(millisecondsSince1970 milliseconds: Int) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
