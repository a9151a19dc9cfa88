// A checkout of a submitted book on one machine (docs/distributed.md): the book's inputs (book file, voice
// clip, lexicon, cast clips) written from the store, and a project made from the book's SQLite snapshot with
// the paths in its book record pointing at those local copies, so the single-machine pipeline (render, export)
// runs on it unchanged. Results and chapter exports committed by any worker are imported into it on demand.
import Foundation

struct Checkout {
    let book: StoredBook
    let dir: URL
    let layout: ProjectLayout
    let store: JobStore

    /// Makes (or re-uses, when it holds the same plan version) the checkout of `book`: inputs under `dir`, the
    /// project at `projectRoot`.
    static func open(_ book: StoredBook, from shared: DistributedStore, dir: URL, projectRoot: URL) throws -> Checkout {
        let layout = ProjectLayout(root: projectRoot)
        let marker = projectRoot.appendingPathComponent("checkout")
        let stamp = "\(book.key) \(book.id) \(book.planVersion)"
        if layout.exists, (try? String(contentsOf: marker, encoding: .utf8)) == stamp {
            return Checkout(book: book, dir: dir, layout: layout, store: try JobStore(layout: layout))
        }
        let (version, snapshot, inputs) = try shared.snapshot(bookID: book.id)
        guard version == book.planVersion else {
            // Re-submitted meanwhile: check out the newer plan.
            var newer = book
            newer.planVersion = version
            return try open(newer, from: shared, dir: dir, projectRoot: projectRoot)
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: projectRoot.path) { try fm.removeItem(at: projectRoot) }
        try layout.create()
        try snapshot.write(to: layout.database)
        var paths: [String: String] = [:]
        for input in inputs {
            let url = Self.location(role: input.role, name: input.name, in: dir)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try input.data.write(to: url)
            paths[input.role] = url.path
        }
        let store = try JobStore(layout: layout)
        guard var record = try store.book() else { throw BookvoxError.failure("the stored job of \(book.key) has no book record") }
        Self.rewrite(&record) { role, _ in paths[role] }
        try store.saveBook(record)
        try stamp.write(to: marker, atomically: true, encoding: .utf8)
        return Checkout(book: book, dir: dir, layout: layout, store: store)
    }

    /// Where an input of `role` lives in a checkout: the book file under its own name, a sibling lexicon next
    /// to it, the others under `inputs/`.
    static func location(role: String, name: String, in dir: URL) -> URL {
        switch role {
        case "book": return dir.appendingPathComponent(name)
        case "sibling-lexicon": return dir.appendingPathComponent("lexicon.yaml")
        default:
            let folder = role.replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: "/", with: "_")
            return dir.appendingPathComponent("inputs").appendingPathComponent(folder).appendingPathComponent(name)
        }
    }

    /// Applies `path(role, current path)` to every input path the book record holds (nil keeps the path).
    static func rewrite(_ record: inout BookRecord, _ path: (String, String) -> String?) {
        record.sourcePath = path("book", record.sourcePath) ?? record.sourcePath
        record.voicePath = record.voicePath.map { path("voice", $0) ?? $0 }
        record.lexiconPath = record.lexiconPath.map { path("lexicon", $0) ?? $0 }
        if var settings = record.storedEngineSettings, let clip = settings.emotionClip {
            settings.emotionClip = path("emotion-clip", clip) ?? clip
            record.storedEngineSettings = settings
        }
        if var cast = record.storedCast {
            for i in cast.voices.indices {
                let name = cast.voices[i].name
                cast.voices[i].clip = cast.voices[i].clip.map { path("cast-clip:\(name)", $0) ?? $0 }
                cast.voices[i].emotionClip = cast.voices[i].emotionClip.map { path("cast-emotion:\(name)", $0) ?? $0 }
            }
            record.storedCast = cast
        }
    }

    /// The input files a book record names (role → path), plus the lexicon read by default next to the book.
    static func inputs(of record: BookRecord) -> [(role: String, path: String)] {
        var found: [(role: String, path: String)] = []
        var copy = record
        rewrite(&copy) { role, path in
            found.append((role, path))
            return nil
        }
        if record.lexiconPath == nil {
            let sibling = URL(fileURLWithPath: record.sourcePath).deletingLastPathComponent().appendingPathComponent("lexicon.yaml")
            if FileManager.default.fileExists(atPath: sibling.path) { found.append(("sibling-lexicon", sibling.path)) }
        }
        return found
    }

    /// Imports every committed result the checkout lacks (of one chapter, or all) and returns how many.
    @discardableResult
    func importResults(from shared: DistributedStore, chapter: Int? = nil, except: Set<String> = []) throws -> Int {
        let results = try shared.results(bookID: book.id, chapter: chapter, except: except)
        for r in results { try store.importResult(r.result, files: r.files) }
        return results.count
    }
}
