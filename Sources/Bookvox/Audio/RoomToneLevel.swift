// The room-tone setting of a book (`--room-tone -70` / `--room-tone off`) and the per-chapter seed
// of its noise.
//
// The tone of a chapter is seeded by SeededRNG.segmentSeed(bookSeed, "room-tone/" + anchor, take 1): the
// book seed and the chapter's anchor (SegmentIdentity.chapterAnchor: its heading and which occurrence of
// that heading it is), under a prefix no segment's seed key can take. It never depends on time, on the
// chapter's number, on its body text or on its audio, so re-rendering one sentence, or inserting a chapter
// before it, leaves the chapter's room tone as it was, and the same book and settings give the same bytes.
import AudioDSP
import Foundation
import Neural

public enum RoomToneLevel: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Digital silence in pauses, head and tail.
    case off
    /// Room tone at this RMS level (dBFS).
    case dBFS(Double)

    /// About −70 dBFS RMS: clearly under ACX's −60 dB noise-floor limit, far above digital silence.
    public static let `default` = RoomToneLevel.dBFS(-70)
    /// Levels `--room-tone` accepts (dBFS).
    public static let allowedRange = -100.0 ... -40.0

    /// Parses "off" or a level in dBFS such as "-70".
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "off" || t == "none" { self = .off; return }
        guard let level = Double(t.hasSuffix("dbfs") ? String(t.dropLast(4)) : t), level.isFinite else {
            throw BookvoxError.badInput("--room-tone '\(text)' is not a level; give a level in dBFS such as -70, or off.")
        }
        guard Self.allowedRange.contains(level) else {
            throw BookvoxError.badInput("--room-tone \(text) is outside \(Int(Self.allowedRange.lowerBound))…"
                + "\(Int(Self.allowedRange.upperBound)) dBFS; ACX asks for a noise floor at or under -60 dB "
                + "(the default is -70), or use off for digital silence.")
        }
        self = .dBFS(level)
    }

    /// "off" or the level, as `--room-tone` takes it (and as the project stores it).
    public var description: String {
        switch self {
        case .off: return "off"
        case let .dBFS(l): return l == l.rounded() ? String(Int(l)) : String(l)
        }
    }

    /// The tone of the chapter with anchor `chapterAnchor` in a book with seed `bookSeed`.
    public func tone(bookSeed: UInt64, chapterAnchor: String) -> RoomTone {
        switch self {
        case .off: return .silence
        case let .dBFS(l): return .noise(levelDBFS: l, seed: Self.chapterSeed(bookSeed: bookSeed, chapterAnchor: chapterAnchor))
        }
    }

    public static func chapterSeed(bookSeed: UInt64, chapterAnchor: String) -> UInt64 {
        SeededRNG.segmentSeed(bookSeed: bookSeed, key: "room-tone/" + chapterAnchor, take: 1)
    }
}

extension BookRecord {
    /// The stored `--room-tone` setting (nil when none was given or it cannot be read).
    public var roomToneLevel: RoomToneLevel? {
        get { roomTone.flatMap { try? RoomToneLevel(parsing: $0) } }
        set { roomTone = newValue?.description }
    }
}
