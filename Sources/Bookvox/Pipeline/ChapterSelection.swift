// `--chapters 1,3-5`: which chapters a render synthesizes and exports.
import Foundation

public enum ChapterSelection {
    /// Parses a comma-separated list of chapter numbers and inclusive ranges ("1", "2-4", "1,3-5,9").
    public static func parse(_ text: String) throws -> Set<Int> {
        var chapters = Set<Int>()
        for rawPart in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = rawPart.trimmingCharacters(in: .whitespaces)
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(bounds.count), let lo = Int(bounds[0]), let hi = Int(bounds.last!), lo >= 1, lo <= hi
            else {
                throw BookvoxError.badInput("--chapters '\(text)': '\(part)' is not a chapter number or range. "
                    + "Use numbers from `bookvox plan BOOK`, e.g. --chapters 1 or --chapters 1,3-5.")
            }
            chapters.formUnion(lo...hi)
        }
        return chapters
    }
}
