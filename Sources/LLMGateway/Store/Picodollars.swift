import Foundation

/// An amount of US dollars in millionths of a millionth (1e-12), so that a price per million tokens with up to six
/// decimals times any token count is a whole number: sums of many small calls stay exact in an integer column that
/// every SQL store can add up.
public struct Picodollars: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var value: Int64

    public init(_ value: Int64) {
        self.value = value
    }

    /// `dollars`, rounded up to the next picodollar (a reservation must not be short).
    public init(dollars: Decimal) {
        var scaled = dollars * Decimal(sign: .plus, exponent: 12, significand: 1)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .up)
        value = NSDecimalNumber(decimal: rounded).int64Value
    }

    public var dollars: Decimal { Decimal(value) / Decimal(sign: .plus, exponent: 12, significand: 1) }

    public var description: String { "$\(dollars)" }

    public static func < (lhs: Picodollars, rhs: Picodollars) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Picodollars, rhs: Picodollars) -> Picodollars { Picodollars(lhs.value + rhs.value) }
    public static let zero = Picodollars(0)
}
