// `--chapters 1,3-5`: which chapters a render synthesizes and exports. A selection is kept as ranges and is
// never expanded into chapter numbers, so `1-9223372036854775807` costs nothing; it is checked against the
// book's chapters (`chapters(of:)`) before anything is synthesized, with short error messages that never
// list more than a few numbers or echo more than a few dozen characters of the argument.
import Foundation

public struct ChapterSelection: Sendable, Equatable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The selected chapters as sorted, disjoint, non-adjacent inclusive ranges.
    public let ranges: [ClosedRange<Int>]

    /// At most this many comma-separated parts (a longer list is almost certainly a mistake).
    public static let maxParts = 1000

    public init(ranges: [ClosedRange<Int>]) {
        var merged: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound || r.lowerBound - 1 == last.upperBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
    }

    public init(arrayLiteral chapters: Int...) {
        self.init(ranges: chapters.map { $0...$0 })
    }

    public func contains(_ chapter: Int) -> Bool {
        var a = 0, b = ranges.count
        while a < b {
            let m = (a + b) / 2
            if ranges[m].upperBound < chapter { a = m + 1 } else { b = m }
        }
        return a < ranges.count && ranges[a].contains(chapter)
    }

    /// "1, 3-5".
    public var description: String { Self.describe(ranges) }

    /// Parses a comma-separated list of chapter numbers and inclusive ranges ("1", "2-4", "1,3-5,9").
    public static func parse(_ text: String) throws -> ChapterSelection {
        let shown = quoted(text)
        func bad(_ why: String) -> BookvoxError {
            .badInput("--chapters \(shown): \(why). Use chapter numbers from `bookvox plan BOOK`, e.g. --chapters 1 or --chapters 1,3-5.")
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= maxParts else { throw bad("more than \(maxParts) parts") }
        var ranges: [ClosedRange<Int>] = []
        for rawPart in parts {
            let part = rawPart.trimmingCharacters(in: .whitespaces)
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !part.isEmpty else { throw bad("an empty part (two commas in a row, or a comma at an end)") }
            guard bounds.count <= 2, bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitCharacter) }) else {
                throw bad("\(quoted(part)) is not a chapter number or a range like 3-5")
            }
            guard let lo = Int(bounds[0]), let hi = Int(bounds[bounds.count - 1]) else {
                throw bad("\(quoted(part)) is too large a number")
            }
            guard lo >= 1, hi >= 1 else { throw bad("chapters are numbered from 1") }
            guard lo <= hi else { throw bad("the range \(quoted(part)) runs backwards; write \(hi)-\(lo)") }
            ranges.append(lo...hi)
        }
        return ChapterSelection(ranges: ranges)
    }

    /// The selected chapters of a book whose chapters are `known`; throws a bad-input error naming (a few of)
    /// the selected chapters the book does not have. Costs O(known + ranges), whatever the ranges' sizes.
    public func chapters(of known: [Int]) throws -> Set<Int> {
        let sorted = Array(Set(known)).sorted()
        var missing: [ClosedRange<Int>] = []
        for r in ranges {
            // Walk the gaps between the known chapters inside r.
            var next = r.lowerBound
            var i = Self.lowerBound(sorted, r.lowerBound)
            while next <= r.upperBound {
                if i < sorted.count, sorted[i] <= r.upperBound {
                    if sorted[i] > next { missing.append(next...(sorted[i] - 1)) }
                    if sorted[i] == Int.max { break }
                    next = sorted[i] + 1
                    i += 1
                } else {
                    missing.append(next...r.upperBound)
                    break
                }
                if missing.count > 3 { break }
            }
            if missing.count > 3 { break }
        }
        if !missing.isEmpty {
            let single = missing.count == 1 && missing[0].count == 1
            let has = sorted.isEmpty ? "no chapters" : "chapters \(Self.describe(ChapterSelection(ranges: sorted.map { $0...$0 }).ranges, limit: 3))"
            throw BookvoxError.badInput("--chapters \(Self.quoted(description)): no chapter\(single ? "" : "s") "
                + "\(Self.describe(missing, limit: 3)) in this book; it has \(has) (`bookvox plan BOOK` lists them).")
        }
        return Set(sorted.filter(contains))
    }

    private static func lowerBound(_ values: [Int], _ x: Int) -> Int {
        var a = 0, b = values.count
        while a < b {
            let m = (a + b) / 2
            if values[m] < x { a = m + 1 } else { b = m }
        }
        return a
    }

    /// "1, 3-5, …" with at most `limit` ranges shown.
    private static func describe(_ ranges: [ClosedRange<Int>], limit: Int = .max) -> String {
        let shown = ranges.prefix(limit).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
        return shown.joined(separator: ", ") + (ranges.count > limit ? ", …" : "")
    }

    /// The argument in quotes, cut to 40 characters.
    private static func quoted(_ text: String) -> String {
        text.count <= 40 ? "'\(text)'" : "'\(text.prefix(37))…'"
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
