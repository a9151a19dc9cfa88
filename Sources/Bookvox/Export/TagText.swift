// Text that goes into file tags (ID3v2 frames, FLAC Vorbis comments): control characters and bidi
// overrides/isolates are removed (they can reorder or hide what a player shows), runs of whitespace
// become one space, and the result is trimmed.
import Foundation

public enum TagText {
    public static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for u in text.unicodeScalars {
            if isRemoved(u) { continue }
            if u.properties.isWhitespace || u.properties.generalCategory == .control {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(u)
        }
        return String(out)
    }

    /// Bidi embeddings/overrides (U+202A–U+202E), isolates (U+2066–U+2069), marks (U+200E, U+200F, U+061C),
    /// zero-width and BOM characters (U+200B–U+200D, U+2060, U+FEFF); other C0/C1 controls turn into spaces.
    static func isRemoved(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x200B...0x200D, 0x2060, 0xFEFF: return true
        default: return false
        }
    }
}
