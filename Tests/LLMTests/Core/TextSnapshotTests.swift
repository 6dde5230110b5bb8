import LLM
import Testing

/// `TextSnapshot`: the text so far of each delta, shared by all the deltas of one reply.
@Suite struct TextSnapshotTests {
    @Test func eachSnapshotKeepsItsTextWhileTheReplyGrows() {
        var builder = TextSnapshotBuilder()
        let first = builder.append("Hello")
        let second = builder.append(", ")
        let third = builder.append("world")

        #expect([first.text, second.text, third.text] == ["Hello", "Hello, ", "Hello, world"])
        #expect(first.utf8Count == 5)
        #expect(builder.text == "Hello, world")
    }

    @Test func multiByteTextIsCutOnlyWhereADeltaEnded() {
        var builder = TextSnapshotBuilder()
        let snapshots = ["é", "🙂", "中文", ""].map { builder.append($0) }
        #expect(snapshots.map(\.text) == ["é", "é🙂", "é🙂中文", "é🙂中文"])
    }

    @Test func aCopiedBuilderGoesOnWithoutChangingTheOriginalsSnapshots() {
        var original = TextSnapshotBuilder()
        let shared = original.append("A")
        var copy = original
        let fromCopy = copy.append("B")
        let fromOriginal = original.append("C")
        let laterFromCopy = copy.append("D")

        #expect(shared.text == "A")
        #expect(fromCopy.text == "AB")
        #expect(fromOriginal.text == "AC")
        #expect(laterFromCopy.text == "ABD")
        #expect(original.text == "AC" && copy.text == "ABD")
    }

    @Test func snapshotsCompareAndHashByTheirBytes() {
        var builder = TextSnapshotBuilder()
        let hi = builder.append("Hi")
        _ = builder.append("!")

        #expect(hi == "Hi")
        #expect(hi == TextSnapshot("Hi"))
        #expect(hi != "Hi!")
        #expect(hi != "Ho")
        #expect(Set([hi, TextSnapshot("Hi"), "Hi!"]).count == 2)
        #expect("\(hi)" == "Hi")
        // Byte equality, not Unicode equivalence: a snapshot is exactly what the provider sent.
        #expect(TextSnapshot("\u{E9}") != TextSnapshot("e\u{301}"))
    }

    @Test func aSnapshotCanBeReadInAnotherTaskWhileTheReplyGrows() async {
        var builder = TextSnapshotBuilder()
        let first = builder.append("start")
        let reader = Task.detached { (0..<2_000).allSatisfy { _ in first.text == "start" } }
        for _ in 0..<2_000 { _ = builder.append("more text ") }
        #expect(await reader.value)
        #expect(builder.text.utf8.count == 5 + 2_000 * 10)
    }
}
