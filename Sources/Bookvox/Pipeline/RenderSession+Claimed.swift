// A distributed worker's render step (Distributed/Worker.swift): the claimed segments of a checked-out
// project, through the same run as render / resume / rerender.
import Foundation

extension RenderSession {
    /// A distributed worker's step (Distributed/Worker.swift): synthesizes exactly the pending segments `keys` of a
    /// checked-out project with the book's stored settings, without re-planning, re-queueing or exporting, and
    /// without verifying the other segments' audio (a checkout holds only the results it imported).
    @discardableResult
    public static func renderClaimed(project: ProjectLayout, keys: Set<String>, options: RenderOptions,
                                     progress: RenderProgress, cancel: CancellationFlag = CancellationFlag()) throws -> RenderReport {
        let lock = try ProjectLock(layout: project)
        defer { lock.release() }
        let store = try JobStore(layout: project)
        guard let record = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded.")
        }
        try record.checkStoredSettings()
        let settings = options.engineSettings(over: record.storedEngineSettings ?? EngineOptions())
        var options = options
        let cast = try recordedCast(record, store: store, settings: settings, options: &options, progress: progress)
        var opts = options
        opts.export = record.storedExportSettings
        return try run(store: store, cast: cast, keys: keys, options: opts, progress: progress, cancel: cancel, distributed: true)
    }
}
