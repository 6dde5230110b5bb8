import Foundation
import LLM

/// The README's "Logs, metrics, traces and cost" example, kept here so it keeps compiling. Never run: it
/// needs an API key.
private func readmeInstrumentationExample() async throws {
    let openai = OpenAIProvider(configuration: .fromEnvironment(ProcessInfo.processInfo.environment))
    var prices = PriceTable.builtIn  // example prices, dated PriceTable.builtInPricesAsOf
    prices["my-finetune"] = ModelPrice(input: 3, output: 12)
    let provider = openai.instrumented(prices: prices)  // the same LLMProvider API, now observed

    let reply = try await provider.complete(ChatRequest(model: "gpt-4o-mini", messages: [.user("Hi")]))
    if let cost = reply.cost(with: prices) {
        print("$\(cost.total): input \(cost.input), cache reads \(cost.cacheRead), output \(cost.output)")
    }
}
