// Word error rate: word-level Levenshtein alignment of a hypothesis against a reference (words split on
// whitespace, compared exactly — normalize both first, e.g. with EnglishTextNormalizer). Ties between equally
// short edit paths prefer a match/substitution, then a deletion, then an insertion, so the counts are deterministic.
import Foundation

public struct WordErrorRate: Sendable, Equatable {
    public var substitutions: Int
    public var insertions: Int
    public var deletions: Int
    public var hits: Int
    public var referenceWords: Int

    /// Edit operations.
    public var errors: Int { substitutions + insertions + deletions }
    /// errors / reference words (0 for an empty reference and hypothesis; +∞ for insertions into an empty reference).
    public var rate: Double {
        referenceWords == 0 ? (errors == 0 ? 0 : .infinity) : Double(errors) / Double(referenceWords)
    }

    public static func compute(reference: String, hypothesis: String) -> WordErrorRate {
        compute(reference: PythonText.split(reference), hypothesis: PythonText.split(hypothesis))
    }

    public static func compute(reference r: [String], hypothesis h: [String]) -> WordErrorRate {
        let n = r.count, m = h.count
        // cost[i][j] = edits between r[..<i] and h[..<j]
        var cost = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { cost[i][0] = i }
        for j in 0...m { cost[0][j] = j }
        if n > 0 && m > 0 {
            for i in 1...n {
                for j in 1...m {
                    let sub = cost[i - 1][j - 1] + (PythonText.same(r[i - 1], h[j - 1]) ? 0 : 1)
                    cost[i][j] = min(sub, cost[i - 1][j] + 1, cost[i][j - 1] + 1)
                }
            }
        }
        var result = WordErrorRate(substitutions: 0, insertions: 0, deletions: 0, hits: 0, referenceWords: n)
        var i = n, j = m
        while i > 0 || j > 0 {
            if i > 0 && j > 0 {
                let same = PythonText.same(r[i - 1], h[j - 1])
                if cost[i][j] == cost[i - 1][j - 1] + (same ? 0 : 1) {
                    if same { result.hits += 1 } else { result.substitutions += 1 }
                    i -= 1
                    j -= 1
                    continue
                }
            }
            if i > 0 && cost[i][j] == cost[i - 1][j] + 1 {
                result.deletions += 1
                i -= 1
            } else {
                result.insertions += 1
                j -= 1
            }
        }
        return result
    }
}
