/// What a key used in the last minute (settled and reserved together), and the decision that follows for a new
/// request: the same rule for every store, so the stores differ only in how they read these numbers. Settled requests
/// count by the whole second they were admitted in: the minute is the last 60 whole seconds.
struct AdmissionWindow {
    var requests: Int
    var tokens: Int
    /// When the oldest request of the window was admitted (milliseconds since 1970), for `Retry-After`.
    var oldest: Int?

    static let length = 60_000

    func decide(_ admission: Admission, committed: Picodollars, now: Int) -> AdmissionDecision {
        // The window frees up when its oldest request leaves it.
        let retryAfter = max(1, Double((oldest ?? now) + Self.length - now) / 1000)
        if let rpm = admission.key.rpm, requests + 1 > rpm {
            return .rateLimited(retryAfter: retryAfter, reason: "the key's limit of \(rpm) requests a minute is reached")
        }
        if let tpm = admission.key.tpm, tokens + admission.tokens > tpm {
            guard admission.tokens <= tpm else {
                return .tooLarge(reason: "the request may use \(admission.tokens) tokens, more than the key's \(tpm) a minute; lower max_tokens")
            }
            return .rateLimited(retryAfter: retryAfter, reason: "the key's limit of \(tpm) tokens a minute is reached")
        }
        if let budget = admission.key.budget, committed + admission.cost > budget {
            return .budgetExhausted(
                reason: "the key's budget of \(budget) (\(admission.key.budgetPeriod.rawValue)) cannot cover this request: \(committed) spent or reserved")
        }
        return .admitted
    }
}
