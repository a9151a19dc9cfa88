// `bookvox export --store URL [BOOK…]`: checks each book out into the current directory (`./<key>.bookvox`,
// its inputs under `./<key>.bookvox/inputs/`), imports every committed result and the chapters the workers
// exported, then runs the normal export (ProjectCommands.export), so the files are those a single-machine
// render of the same book and settings writes.
import Foundation
import Logging

public enum StoreExport {
    private static let log = Logger(label: "bookvox.distributed.export")

    public static func export(storeURL: PostgresStoreURL, books keys: [String], into dir: URL, changes: ExportChanges,
                              force: Bool) throws -> [(key: String, project: ProjectLayout, result: ProjectCommands.ExportResult)] {
        let shared = try DistributedStore(url: storeURL)
        let all = try shared.books()
        for key in keys where !all.contains(where: { $0.key == key }) {
            throw BookvoxError.badInput("no book '\(key)' in the store; submitted: "
                + (all.isEmpty ? "none" : all.map(\.key).joined(separator: ", ")) + ".")
        }
        var out: [(key: String, project: ProjectLayout, result: ProjectCommands.ExportResult)] = []
        for book in all where keys.isEmpty || keys.contains(book.key) {
            let root = dir.appendingPathComponent(book.key + ".bookvox")
            if FileManager.default.fileExists(atPath: root.path),
               !FileManager.default.fileExists(atPath: root.appendingPathComponent("checkout").path) {
                throw BookvoxError.badInput("\(root.path) exists and is not a checkout of the store; export in another directory.")
            }
            let checkout = try Checkout.open(book, from: shared, dir: root.appendingPathComponent("inputs"), projectRoot: root)
            try checkout.importResults(from: shared)
            for export in try shared.exports(bookID: checkout.book.id) {
                // A damaged stored export is not fatal: the chapter is then exported here from its segments.
                do { try checkout.store.importChapterExport(export.row, files: export.files) } catch {
                    log.warning("\(book.key) chapter \(export.chapter): \(error)")
                }
            }
            let result = try ProjectCommands.export(project: checkout.layout, changes: changes, force: force)
            out.append((book.key, checkout.layout, result))
        }
        return out
    }
}
