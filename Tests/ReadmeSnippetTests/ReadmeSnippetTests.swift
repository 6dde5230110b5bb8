import Foundation
import Testing

/// Every Swift snippet of README.md compiles as written (each is a file of `Snippets/`, which this test keeps equal
/// to the README), and those that need no network run.
@Suite struct ReadmeSnippetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snippets")

    @Test func theCompiledSnippetsAreTheREADMEs() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let snippets = ReadmeSnippet.extract(from: readme)
        #expect(snippets.count >= 10, "README.md has Swift snippets")
        var expected = Dictionary(uniqueKeysWithValues: snippets.map { ($0.fileName, $0.source) })
        expected["RunnableReadmeSnippets.swift"] = ReadmeSnippet.runnableSource(snippets)
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".swift") })
        if ProcessInfo.processInfo.environment["LLM_UPDATE_SNIPPETS"] == "1" {
            for stale in present.subtracting(expected.keys) { try FileManager.default.removeItem(at: Self.folder.appendingPathComponent(stale)) }
            for (name, text) in expected { try text.write(to: Self.folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            return
        }
        for (name, text) in expected.sorted(by: { $0.key < $1.key }) {
            let file = try? String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            #expect(file == text, "\(name) differs from README.md: run LLM_UPDATE_SNIPPETS=1 with this test, then build again")
        }
        #expect(present.subtracting(expected.keys).isEmpty, "snippet files of no README snippet: \(present.subtracting(expected.keys).sorted())")
    }

    @Test func theSnippetsThatNeedNoNetworkRun() async throws {
        #expect(!RunnableReadmeSnippets.all.isEmpty)
        for snippet in RunnableReadmeSnippets.all {
            do {
                try await snippet.run()
            } catch {
                Issue.record("README snippet \(snippet.number) threw \(error)")
            }
        }
    }
}
