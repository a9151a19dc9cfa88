// ID3v2 text tags written into each exported MP3.
import Foundation

public struct ID3Tags: Sendable, Equatable, Codable {
    /// TIT2: the chapter title.
    public var title: String
    /// TALB: the book title.
    public var album: String
    /// TPE1: author or narrator.
    public var artist: String
    /// TRCK numerator (1-based chapter number).
    public var track: Int
    /// TRCK denominator (number of chapters); 0 omits it.
    public var trackCount: Int

    public init(title: String, album: String, artist: String, track: Int, trackCount: Int) {
        self.title = title
        self.album = album
        self.artist = artist
        self.track = track
        self.trackCount = trackCount
    }

    /// The TRCK text: "n/N", or "n" without a count.
    public var trackText: String { trackCount > 0 ? "\(track)/\(trackCount)" : "\(track)" }
}
