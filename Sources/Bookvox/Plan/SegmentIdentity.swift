// Content-stable segment identity (docs/architecture.md "Segment identity").
//
// A segment's audio must not depend on where it sits in the book, so inserting, deleting or moving
// text elsewhere never re-synthesizes it. Its identity is its normalized text plus an occurrence
// index that tells repeated identical texts of one chapter apart ("Yes." the 1st, 2nd … time in the
// chapter); an insertion elsewhere changes neither. The seed of a take derives from the book seed,
// this content id and the take number — never from the key (`3.17`), which is only the human address
// and is recomputed on every plan.
//
// Chapters are told apart by an anchor (normalized title + occurrence of that title among the
// chapters) that only guides which stored row a planned segment takes over (its take, flag, audio):
// rows of the same chapter first, then rows of any chapter with the same content id. The anchor is
// not part of the seed, so renumbering or renaming a chapter re-synthesizes nothing.
//
// A segment read by a cast voice other than the book's default has that voice's name in its content id (and
// so in its seed), and counts occurrences among the segments of that voice: moving a line to another voice is a
// new segment, while the default voice's segments keep exactly the identity they have in a book without a cast.
import Foundation
import Neural

public enum SegmentIdentity {
    /// sha256 over the length-prefixed fields (normalized text, occurrence index).
    public static func contentID(normalizedText: String, occurrence: Int, voice: String? = nil) -> String {
        guard let voice else { return Hashing.fieldsDigest(["segment-content", normalizedText, String(occurrence)]) }
        return Hashing.fieldsDigest(["segment-content", normalizedText, String(occurrence), "voice", voice])
    }

    /// Identifies a chapter by its heading, not its number.
    public static func chapterAnchor(title: String, occurrence: Int) -> String {
        Hashing.fieldsDigest(["chapter", title, String(occurrence)])
    }

    /// The seed of one take of a segment: (book seed, content id, take).
    public static func seed(bookSeed: UInt64, contentID: String, take: Int) -> UInt64 {
        SeededRNG.segmentSeed(bookSeed: bookSeed, key: "content:" + contentID, take: take)
    }

    /// Occurrence index of each text in `texts`, counting identical texts in order (0 for the first).
    public static func occurrences(of texts: [String]) -> [Int] {
        var seen: [String: Int] = [:]
        return texts.map { t in
            let n = seen[t, default: 0]
            seen[t] = n + 1
            return n
        }
    }
}
