// Builds the render plan from a book file: TextFrontend parses and segments it, each segment's text
// is normalized for speech. Parse errors become bad-input errors with the front end's message.
import Foundation
import TextFrontend

public enum BookPlanner {
    /// `reading` says what of an EPUB is read (front and back matter, image alt text).
    public static func plan(bookAt path: String, reading: BookReadingOptions = .init()) throws -> BookPlan {
        let book: Book
        do {
            book = try BookLoader.load(path: path, reading: reading)
        } catch let e as BookError {
            throw BookvoxError.badInput(e.description)
        }
        guard isLanguageCode(book.metadata.language) else {
            throw BookvoxError.badInput("\(path): language '\(book.metadata.language)' is not a language code; "
                + "use one such as en, en-us, de, fr, zh (front matter `language:`).")
        }
        var result = plan(book)
        result.reading = reading
        // Clip paths are relative to the book file; the project records them absolute (resume runs from anywhere).
        let dir = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        func absolute(_ p: String?) -> String? {
            p.map { ($0 as NSString).isAbsolutePath ? $0 : dir.appendingPathComponent($0).standardizedFileURL.path }
        }
        if var cast = result.cast {
            for i in cast.voices.indices {
                cast.voices[i].clip = absolute(cast.voices[i].clip)
                cast.voices[i].emotionClip = absolute(cast.voices[i].emotionClip)
            }
            result.cast = cast
        }
        return result
    }

    /// A BCP-47-shaped tag: 2–3 letters, then subtags of 1–8 letters or digits ("en", "en-US", "zh-Hans"),
    /// or "auto" (let the engine detect it, where it can). Whether an engine has a voice for it is checked
    /// when the engine is loaded.
    static func isLanguageCode(_ tag: String) -> Bool {
        if tag == "auto" { return true }
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return parts.dropFirst().allSatisfy { p in (1...8).contains(p.count) && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    public static func plan(_ book: Book) -> BookPlan {
        let language = book.metadata.language
        let titleOccurrences = SegmentIdentity.occurrences(of: book.chapters.map(\.title))
        let defaultVoice = book.metadata.cast?.defaultVoice
        let chapters = zip(book.chapters, titleOccurrences).map { ch, titleOccurrence in
            let normalized = ch.segments.map { TextNormalizer.normalize($0.text, language: language) }
            // Occurrences count per voice (SegmentIdentity): the default voice's texts alone, as without a cast.
            let identityVoices = ch.segments.map { s in s.voice == defaultVoice ? nil : s.voice }
            let occurrences = SegmentIdentity.occurrences(of: zip(normalized, identityVoices).map { text, voice in
                voice.map { "\($0)\u{1F}\(text)" } ?? text
            })
            let segments = ch.segments.indices.map { i in
                let s = ch.segments[i]
                return PlannedSegment(key: s.key, chapter: s.chapter, index: s.index, paragraph: s.paragraph,
                                      sourceText: s.text, normalizedText: normalized[i], boundary: s.boundary.rawValue,
                                      sourceLine: s.sourceLine, occurrence: occurrences[i],
                                      voice: s.voice ?? defaultVoice, identityVoice: identityVoices[i])
            }
            return PlannedChapter(number: ch.index, title: ch.title, segments: segments, titleOccurrence: titleOccurrence)
        }
        let m = book.metadata
        var plan = BookPlan(title: m.title, author: m.author, narrator: m.narrator, language: language, seed: m.seed,
                            sourcePath: book.sourcePath, chapters: chapters, publisher: m.publisher, date: m.date,
                            description: m.description, cover: m.coverImage, sourceItems: book.sourceItems)
        plan.pronunciations = m.pronunciations
        plan.pace = m.pace
        plan.rate = m.rate
        plan.cast = m.cast
        return plan
    }
}
