// Pace settings a book can give: the pause after each kind of boundary, the room tone before and after a chapter
// (front matter `pace:`, seconds, or `--pauses`), and the speaking rate (front matter `rate:`, or `--rate`).
// Unset values keep the stitcher's defaults.
import Foundation

public struct PauseSettings: Codable, Sendable, Equatable {
    public var clause: Double?
    public var sentence: Double?
    public var paragraph: Double?
    public var scene: Double?
    public var chapterHead: Double?
    public var chapterTail: Double?

    public init(clause: Double? = nil, sentence: Double? = nil, paragraph: Double? = nil, scene: Double? = nil,
                chapterHead: Double? = nil, chapterTail: Double? = nil) {
        self.clause = clause
        self.sentence = sentence
        self.paragraph = paragraph
        self.scene = scene
        self.chapterHead = chapterHead
        self.chapterTail = chapterTail
    }

    /// The names used in front matter and on the command line, in order.
    public static let names = ["clause", "sentence", "paragraph", "scene", "chapter-head", "chapter-tail"]
    /// Every pause lies in this range (seconds).
    public static let range: ClosedRange<Double> = 0...10

    public var isEmpty: Bool { self == PauseSettings() }

    public subscript(name: String) -> Double? {
        get {
            switch name {
            case "clause": return clause
            case "sentence": return sentence
            case "paragraph": return paragraph
            case "scene": return scene
            case "chapter-head": return chapterHead
            case "chapter-tail": return chapterTail
            default: return nil
            }
        }
        set {
            switch name {
            case "clause": clause = newValue
            case "sentence": sentence = newValue
            case "paragraph": paragraph = newValue
            case "scene": scene = newValue
            case "chapter-head": chapterHead = newValue
            case "chapter-tail": chapterTail = newValue
            default: break
            }
        }
    }

    /// These settings with every value `other` sets replacing this one's.
    public func overridden(by other: PauseSettings) -> PauseSettings {
        var out = self
        for n in Self.names { if let v = other[n] { out[n] = v } }
        return out
    }

    /// Sets `name` to `text` seconds; the error says what is wrong (unknown name, not a number, out of range).
    public mutating func set(_ name: String, text: String) throws(PaceError) {
        guard Self.names.contains(name) else { throw .unknownPause(name) }
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("s") { t.removeLast() }
        guard let v = Double(t), v.isFinite else { throw .notSeconds(name: name, value: text) }
        guard Self.range.contains(v) else { throw .outOfRange(name: name, value: v) }
        self[name] = v
    }

    /// Parses `--pauses` text: `sentence=0.6,paragraph=1.2` (names as in `names`).
    public static func parse(_ text: String) throws(PaceError) -> PauseSettings {
        var p = PauseSettings()
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else { throw .malformed(String(item)) }
            try p.set(parts[0], text: parts[1])
        }
        guard !p.isEmpty else { throw .malformed(text) }
        return p
    }

    /// `sentence=0.6,paragraph=1.2` (the set values, in `names` order).
    public var description: String {
        Self.names.compactMap { n in self[n].map { "\(n)=\(Self.format($0))" } }.joined(separator: ",")
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }
}

/// The speaking rate: 1 is the engine's natural pace, 0.8 slower, 1.2 faster.
public enum SpeakingRate {
    public static let range: ClosedRange<Double> = 0.5...2.0

    public static func parse(_ text: String) throws(PaceError) -> Double {
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else { throw .notRate(text) }
        guard range.contains(v) else { throw .rateOutOfRange(v) }
        return v
    }
}

public enum PaceError: Error, CustomStringConvertible, Equatable {
    case unknownPause(String)
    case notSeconds(name: String, value: String)
    case outOfRange(name: String, value: Double)
    case malformed(String)
    case notRate(String)
    case rateOutOfRange(Double)

    public var description: String {
        switch self {
        case let .unknownPause(n):
            return "unknown pause '\(n)' (known: \(PauseSettings.names.joined(separator: ", ")))"
        case let .notSeconds(n, v): return "pause '\(n)' must be a number of seconds such as 0.6, not '\(v)'"
        case let .outOfRange(n, v):
            return "pause '\(n)' is \(v) s; pauses lie between \(Int(PauseSettings.range.lowerBound)) and \(Int(PauseSettings.range.upperBound)) s"
        case let .malformed(t): return "expected NAME=SECONDS items separated by commas (e.g. sentence=0.6,paragraph=1.2), not '\(t)'"
        case let .notRate(t): return "the speaking rate must be a number such as 0.9 (slower) or 1.1 (faster), not '\(t)'"
        case let .rateOutOfRange(v):
            return "the speaking rate \(v) is outside \(SpeakingRate.range.lowerBound)–\(SpeakingRate.range.upperBound)"
        }
    }
}
