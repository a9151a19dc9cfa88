// Subtitle files from cues: SubRip (.srt), WebVTT (.vtt) and LRC (.lrc).
//   SRT:  "N\nHH:MM:SS,mmm --> HH:MM:SS,mmm\nline\nline\n\n" (hours grow past two digits for very long books).
//   VTT:  "WEBVTT\n\n" then "HH:MM:SS.mmm --> HH:MM:SS.mmm\nline\n\n"; &, < and > in the text are escaped.
//   LRC:  [ti:], [ar:], [al:] headers, then "[mm:ss.xx]text" per cue (its lines joined by a space), times
//         rounded to the nearest centisecond, minutes not wrapped at 60 (a book's [125:03.20]); where a cue ends
//         before the next begins (and after the last) an empty "[mm:ss.xx]" line clears the text.
// Text is UTF-8, lines end in "\n".
import Foundation

public enum SubtitleFormat: String, CaseIterable, Sendable {
    case srt, vtt, lrc
}

public struct LRCHeader: Sendable, Equatable {
    public var title: String
    public var artist: String?
    public var album: String?

    public init(title: String, artist: String? = nil, album: String? = nil) {
        self.title = title
        self.artist = artist
        self.album = album
    }
}

public enum SubtitleWriter {
    public static func render(_ cues: [SubtitleCue], as format: SubtitleFormat, header: LRCHeader) -> Data {
        switch format {
        case .srt: return Data(srt(cues).utf8)
        case .vtt: return Data(vtt(cues).utf8)
        case .lrc: return Data(lrc(cues, header: header).utf8)
        }
    }

    public static func srt(_ cues: [SubtitleCue]) -> String {
        var out = ""
        for (i, c) in cues.enumerated() {
            out += "\(i + 1)\n\(clock(c.startMs, ",")) --> \(clock(c.endMs, ","))\n"
            out += c.lines.joined(separator: "\n") + "\n\n"
        }
        return out
    }

    public static func vtt(_ cues: [SubtitleCue]) -> String {
        var out = "WEBVTT\n\n"
        for c in cues {
            out += "\(clock(c.startMs, ".")) --> \(clock(c.endMs, "."))\n"
            out += c.lines.map(escapeVTT).joined(separator: "\n") + "\n\n"
        }
        return out
    }

    public static func lrc(_ cues: [SubtitleCue], header: LRCHeader) -> String {
        var out = "[ti:\(lrcHeaderText(header.title))]\n"
        if let a = header.artist { out += "[ar:\(lrcHeaderText(a))]\n" }
        if let a = header.album { out += "[al:\(lrcHeaderText(a))]\n" }
        for (i, c) in cues.enumerated() {
            out += "[\(lrcTime(c.startMs))]" + c.lines.joined(separator: " ") + "\n"
            let next = i + 1 < cues.count ? cues[i + 1].startMs : nil
            if next.map({ lrcTime($0) != lrcTime(c.endMs) }) ?? true { out += "[\(lrcTime(c.endMs))]\n" }
        }
        return out
    }

    /// HH:MM:SS<sep>mmm.
    static func clock(_ ms: Int64, _ sep: String) -> String {
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + sep + pad(f, 3)
    }

    /// mm:ss.xx with the milliseconds rounded to centiseconds (halves up).
    static func lrcTime(_ ms: Int64) -> String {
        let cs = (ms + 5) / 10
        return pad(cs / 6000, 2) + ":" + pad(cs / 100 % 60, 2) + "." + pad(cs % 100, 2)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    private static func escapeVTT(_ line: String) -> String {
        line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func lrcHeaderText(_ s: String) -> String {
        s.replacingOccurrences(of: "]", with: ")").replacingOccurrences(of: "[", with: "(")
    }
}
