// The book's timeline as the M4B lays it out: the exported chapters back to back in book order, each as
// long as its master resampled to 44.1 kHz (Resampler.outputCount: round(n · 44100 / rate) samples; soxr
// keeps sample k of the master at time k / rate). Book-level subtitles use the same offsets, so their cues
// line up with the M4B. All arithmetic is in 64-bit integers: a 24 h book is 3.8e9 samples at 44.1 kHz.
import AudioDSP
import Foundation

public struct BookTimeline: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var chapter: Int
        public var title: String
        /// First sample of the chapter in the book, at 44.1 kHz.
        public var startSample: Int64
        /// The chapter's length at 44.1 kHz.
        public var samples: Int64
        /// The chapter master's rate (timings are in samples at this rate).
        public var masterRate: Int
        public var masterSamples: Int64
    }

    public static let sampleRate = M4BWriter.sampleRate
    public private(set) var entries: [Entry] = []
    public private(set) var totalSamples: Int64 = 0

    /// `chapters` in book order: number, title and the master's length and rate (from the timings file).
    public init(chapters: [(number: Int, title: String, masterSamples: Int64, masterRate: Int)]) {
        for c in chapters {
            let n = Resampler.outputCount(inputCount: c.masterSamples, from: c.masterRate, to: Self.sampleRate)
            entries.append(Entry(chapter: c.number, title: c.title, startSample: totalSamples, samples: n,
                                 masterRate: c.masterRate, masterSamples: c.masterSamples))
            totalSamples += n
        }
    }

    /// Milliseconds from the start of the book to sample `masterSample` of the entry's chapter master, rounded to
    /// the nearest millisecond (halves up): round(1000 · (start / 44100 + masterSample / rate)).
    public func milliseconds(entry: Entry, masterSample: Int64) -> Int64 {
        let den = Int64(Self.sampleRate) * Int64(entry.masterRate)
        let num = (entry.startSample * Int64(entry.masterRate) + masterSample * Int64(Self.sampleRate)) * 1000
        return (2 * num + den) / (2 * den)
    }

    /// Milliseconds of sample `sample` of a chapter master at `rate` from the chapter's start (rounded, halves up).
    public static func milliseconds(sample: Int64, rate: Int) -> Int64 {
        (2 * sample * 1000 + Int64(rate)) / (2 * Int64(rate))
    }
}
