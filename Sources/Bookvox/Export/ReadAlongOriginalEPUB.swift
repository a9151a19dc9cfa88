// The read-along EPUB of an EPUB 3 book: the original book, its files byte for byte (CSS, images, fonts,
// navigation, cover), with
//   - a `<span id="sN-K">` around each sentence in the content documents whose text was read
//     (TextFrontend's XHTMLSentenceMarker, libxml2 tree edits) and the overlay's active-class rule in their head;
//   - per edited document an overlay `<document>.smil` next to it, the chapter MP3s under `bookvox-audio/` next
//     to the package document, and the package document (EPUBPackageOverlayEditor) listing them, with
//     `media-overlay` on the documents and the Media Overlays metadata.
// A sentence over several paragraphs (short dialogue lines the reader joined) has a span in each, its clip shared
// out among them by their characters (as subtitles share a long sentence's time among its cues).
// A sentence that cannot be located in the original XHTML keeps its place in the audio but gets no overlay entry
// (the reading system plays the chapter's clips in order and skips its audio); how many is reported as a warning.
import Foundation
import Logging
import TextFrontend

enum ReadAlongOriginalEPUB {
    private static let log = Logger(label: "bookvox.export.epub")

    static func build(source: EPUBSourceArchive, sourceItems: [SourceItem], chapters: [ReadAlongChapter],
                      metadata: ReadAlongMetadata) throws -> ReadAlongEPUB.Built {
        let included = Set(chapters.map(\.number))
        let documentPaths = sourceItems.filter { $0.skipReason == nil && $0.chapters.contains(where: included.contains) }.map(\.path)
        let documents = try documentPaths.map { (path: $0, data: try source.read($0)) }
        let sentences = chapters.flatMap { c in c.sentences.map { SentenceText(key: $0.key, id: $0.id, text: $0.text) } }
        let marking = XHTMLSentenceMarker.mark(documents: documents, sentences: sentences, css: ReadAlongEPUB.css)
        for d in marking.documents {
            if let problem = d.problem { log.warning("\(source.bookPath): \(d.path) is not edited (\(problem)); its sentences have no overlay") }
        }

        var byKey: [String: (sentence: ReadAlongSentence, chapter: ReadAlongChapter)] = [:]
        for c in chapters { for s in c.sentences { byKey[s.key] = (s, c) } }
        var taken = Set(source.filePaths)
        var ids = Set(source.manifest.map(\.id))
        func freshPath(_ path: String) -> String {
            var p = path
            var n = 2
            while taken.contains(p) || taken.contains(where: { $0.lowercased() == p.lowercased() }) {
                let ext = (path as NSString).pathExtension
                p = (path as NSString).deletingPathExtension + "-\(n)" + (ext.isEmpty ? "" : "." + ext)
                n += 1
            }
            taken.insert(p)
            return p
        }
        func freshID(_ id: String) -> String {
            var i = id
            var n = 2
            while ids.contains(i) { i = id + "-\(n)"; n += 1 }
            ids.insert(i)
            return i
        }
        let packageDir = ReadAlongEPUB.directory(of: source.packagePath)
        func inPackageDir(_ name: String) -> String { packageDir.isEmpty ? name : packageDir + "/" + name }

        var audioPaths: [Int: String] = [:]
        var additions: [EPUBManifestAddition] = []
        var overlays: [EPUBOverlayAssignment] = []
        var added: [EPUBZipWriter.File] = []
        var edited: [String: Data] = [:]
        var total: Int64 = 0
        for d in marking.documents where !d.marked.isEmpty {
            guard let data = d.data, let item = source.manifest.first(where: { $0.path == d.path }) else { continue }
            edited[d.path] = data
            let docDir = ReadAlongEPUB.directory(of: d.path)
            var clips: [OverlayClip] = []
            for m in d.marked {
                guard let entry = byKey[m.key] else { continue }
                let s = entry.sentence, c = entry.chapter
                let audio: String
                if let known = audioPaths[c.number] {
                    audio = known
                } else {
                    audio = freshPath(inPackageDir("bookvox-audio/\(c.baseName).mp3"))
                    audioPaths[c.number] = audio
                }
                // A sentence over several blocks: its clip shared out among its spans by their characters.
                let total = Int64(max(m.weights.reduce(0, +), 1))
                var before: Int64 = 0
                var begin = s.beginMs
                for (i, id) in m.ids.enumerated() {
                    before += Int64(m.weights[i])
                    let end = i == m.ids.count - 1 ? s.endMs : s.beginMs + ((s.endMs - s.beginMs) * before + total / 2) / total
                    clips.append(OverlayClip(textID: id, audioHref: ReadAlongEPUB.relative(audio, from: docDir), beginMs: begin, endMs: end))
                    begin = end
                }
            }
            let smilPath = freshPath((d.path as NSString).deletingPathExtension + ".smil")
            let smilID = freshID("bookvox-smil-" + item.id)
            added.append(EPUBZipWriter.File(smilPath, MediaOverlaySMIL.document(
                textHref: ReadAlongEPUB.relative(d.path, from: ReadAlongEPUB.directory(of: smilPath)), clips: clips)))
            additions.append(EPUBManifestAddition(id: smilID, href: ReadAlongEPUB.relative(smilPath, from: packageDir),
                                                  mediaType: "application/smil+xml"))
            let duration = MediaOverlaySMIL.duration(clips)
            total += duration
            overlays.append(EPUBOverlayAssignment(documentID: item.id, overlayID: smilID, duration: MediaOverlaySMIL.clock(duration)))
        }
        for c in chapters {
            guard let path = audioPaths[c.number] else { continue }
            additions.append(EPUBManifestAddition(id: freshID("bookvox-audio-\(c.baseName)"),
                                                  href: ReadAlongEPUB.relative(path, from: packageDir), mediaType: "audio/mpeg"))
            added.append(EPUBZipWriter.File(path, file: c.audio))
        }
        let package = try EPUBPackageOverlayEditor.edit(try source.read(source.packagePath), name: source.packagePath,
                                                        additions: additions, overlays: overlays,
                                                        totalDuration: MediaOverlaySMIL.clock(total),
                                                        narrator: metadata.narrator, activeClass: ReadAlongEPUB.activeClass)
        var files: [EPUBZipWriter.File] = []
        for path in source.filePaths where path != "mimetype" {
            if path == source.packagePath {
                files.append(EPUBZipWriter.File(path, package))
            } else {
                files.append(EPUBZipWriter.File(path, try edited[path] ?? source.read(path)))
            }
        }
        return ReadAlongEPUB.Built(files: files + added, unlocated: marking.unlocated, generatedBecause: nil)
    }
}
