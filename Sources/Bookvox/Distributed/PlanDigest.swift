// What defines a submitted plan, as one SHA-256: the book record's settings (its paths left out — the inputs'
// contents stand for them, and a re-submit names the checkout's copies), the run settings, every input's role,
// name and content hash, and every segment's key, row, place, cache identity, take, seed, voice and rate.
// Segment states and results are not part of it: they change as workers render. Re-submitting a book whose
// digest equals the stored one, with no failed segment, leaves the store untouched (Submitter).
import Foundation

enum PlanDigest {
    static func of(record: BookRecord, segments: [SegmentRecord], settings: DistributedSettings,
                   inputs: [(role: String, name: String, data: Data)]) throws -> String {
        var book = record
        book.sourcePath = ""
        book.voicePath = nil
        book.lexiconPath = nil
        book.lastFailure = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var text = String(decoding: try encoder.encode(book), as: UTF8.self) + "\n"
        text += String(decoding: try encoder.encode(settings), as: UTF8.self) + "\n"
        for input in inputs.sorted(by: { $0.role < $1.role }) {
            text += "input \(input.role) \(input.name) \(Hashing.sha256Hex(input.data))\n"
        }
        for seg in segments {
            text += "segment \(seg.key) \(seg.id ?? -1) \(seg.chapter) \(seg.index) \(seg.cacheIdentity) \(seg.take) \(seg.seed) "
                + "\(seg.voice ?? "-") \(seg.rate.map { String($0) } ?? "-")\n"
        }
        return Hashing.sha256Hex(Data(text.utf8))
    }
}
