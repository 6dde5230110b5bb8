import LLM
import NIOConcurrencyHelpers

/// The order in which an alias's targets are tried for one request, and which ones are cooling down.
///
/// - Consecutive targets that all have a `weight` form one group: a request tries them in a random order drawn by
///   weight (a target of weight 3 comes first three times as often as one of weight 1), then the later targets.
///   Targets without a weight keep their place.
/// - A target that fails `cooldownAfter` times in a row with a retryable error (unreachable, 5xx, 429, timeout) is
///   cooled down for `cooldown`: it goes to the end of the order, tried only when the others failed too. Its next
///   success clears it; a failure after the cooldown cools it again at once. So a dead upstream costs a request a
///   connection attempt only now and then.
final class TargetSelection: Sendable {
    struct Settings: Sendable {
        var weights: [Int?]
        var cooldownAfter: Int
        var cooldown: Duration
    }

    private struct Health {
        var failuresInARow = 0
        var coolingUntil: ContinuousClock.Instant?
    }

    private let settings: [String: Settings]
    private let health: NIOLockedValueBox<[String: [Health]]>
    private let random: @Sendable () -> Double
    private let now: @Sendable () -> ContinuousClock.Instant

    init(
        settings: [String: Settings], random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.settings = settings
        health = NIOLockedValueBox(settings.mapValues { Array(repeating: Health(), count: $0.weights.count) })
        self.random = random
        self.now = now
    }

    /// The indices of `alias`'s targets in the order this request tries them.
    func order(for alias: String) -> [Int] {
        guard let settings = settings[alias] else { return [] }
        var order: [Int] = []
        var index = 0
        while index < settings.weights.count {
            guard settings.weights[index] != nil else {
                order.append(index)
                index += 1
                continue
            }
            var group: [(index: Int, weight: Int)] = []
            while index < settings.weights.count, let weight = settings.weights[index] {
                group.append((index, max(0, weight)))
                index += 1
            }
            order += weightedPermutation(group)
        }
        let instant = now()
        let cooling = health.withLockedValue { health in
            Set(order.filter { target in health[alias]?[target].coolingUntil.map { $0 > instant } ?? false })
        }
        return order.filter { !cooling.contains($0) } + order.filter { cooling.contains($0) }
    }

    /// Draws the group's members one by one, each with a chance proportional to its weight (zero weights last).
    private func weightedPermutation(_ group: [(index: Int, weight: Int)]) -> [Int] {
        var left = group
        var drawn: [Int] = []
        while !left.isEmpty {
            let total = left.reduce(0) { $0 + $1.weight }
            guard total > 0 else {
                drawn += left.map(\.index)
                break
            }
            var point = random() * Double(total)
            var chosen = left.count - 1
            for (position, member) in left.enumerated() {
                point -= Double(member.weight)
                if point < 0 {
                    chosen = position
                    break
                }
            }
            drawn.append(left.remove(at: chosen).index)
        }
        return drawn
    }

    func succeeded(_ alias: String, target: Int) {
        health.withLockedValue { health in health[alias]?[target] = Health() }
    }

    /// Counts a failure; only retryable ones (the upstream is unwell, not the request) can cool a target down.
    func failed(_ alias: String, target: Int, error: LLMError) {
        guard error.isRetryable, let settings = settings[alias] else { return }
        let instant = now()
        health.withLockedValue { health in
            guard var state = health[alias]?[target] else { return }
            state.failuresInARow += 1
            // A target back from a cooldown that fails again cools down at once.
            if state.failuresInARow >= settings.cooldownAfter || state.coolingUntil != nil {
                state.coolingUntil = instant + settings.cooldown
                state.failuresInARow = 0
            }
            health[alias]?[target] = state
        }
    }
}
