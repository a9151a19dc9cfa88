// EPUB 3 Media Overlay documents (SMIL 3.0): one per content document, its `<par>`s in reading order,
// each pointing a sentence's span (`doc.xhtml#s3-17`) at its clip of the chapter audio. Clock values are full
// SMIL clock values with milliseconds ("0:01:02.345"); a clip's times are the milliseconds the subtitles use
// (BookTimeline.milliseconds of the segment's first and end sample in the chapter master).
import Foundation

struct OverlayClip: Sendable, Equatable {
    /// The span's id in the content document.
    var textID: String
    /// The audio file, relative to the SMIL document.
    var audioHref: String
    var beginMs: Int64
    var endMs: Int64
}

enum MediaOverlaySMIL {
    /// The SMIL document for the content document `textHref` (relative to the SMIL document).
    static func document(textHref: String, clips: [OverlayClip]) -> Data {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">
          <body>

        """
        for c in clips {
            out += "    <par id=\"par-\(XMLText.attribute(c.textID))\">"
            out += "<text src=\"\(XMLText.attribute(textHref))#\(XMLText.attribute(c.textID))\"/>"
            out += "<audio src=\"\(XMLText.attribute(c.audioHref))\" clipBegin=\"\(clock(c.beginMs))\" clipEnd=\"\(clock(c.endMs))\"/></par>\n"
        }
        out += "  </body>\n</smil>\n"
        return Data(out.utf8)
    }

    /// How long the overlay plays: its clips back to back.
    static func duration(_ clips: [OverlayClip]) -> Int64 { clips.reduce(0) { $0 + ($1.endMs - $1.beginMs) } }

    /// A full clock value, "H:MM:SS.mmm".
    static func clock(_ ms: Int64) -> String {
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        func pad(_ v: Int64, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(h):" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(f, 3)
    }
}

/// Escaping for text and attribute values in generated XML.
enum XMLText {
    static func text(_ s: String) -> String {
        clean(s).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func attribute(_ s: String) -> String { text(s).replacingOccurrences(of: "\"", with: "&quot;") }

    /// Without the control characters XML 1.0 does not allow.
    private static func clean(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" || $0 == "\r" }))
    }
}
