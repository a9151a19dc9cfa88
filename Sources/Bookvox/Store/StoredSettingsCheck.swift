// A project's stored settings (reading options, pace, cast, engine settings: JSON in the book record) must decode
// before a render uses them. Their getters fall back to defaults; a render that fell back would re-render the
// book with other settings (another voice for a cast's lines, another pace) without a word, so the commands that
// render check first and stop with the reason.
import Foundation
import TextFrontend

extension BookRecord {
    /// Throws when a stored setting is present but cannot be read (`engineSettings: false`: the run replaces the
    /// engine settings, `--reset-settings`, so theirs are not checked).
    public func checkStoredSettings(engineSettings checkEngine: Bool = true) throws {
        let decoder = JSONDecoder()
        let fields: [(name: String, json: String?, decode: (Data) throws -> Void)] = [
            ("reading options", readingOptions, { _ = try decoder.decode(BookReadingOptions.self, from: $0) }),
            ("pace", pace, { _ = try decoder.decode(StoredPace.self, from: $0) }),
            ("cast of voices", cast, { _ = try decoder.decode(BookCast.self, from: $0) }),
            ("engine settings", checkEngine ? engineSettings : nil, { _ = try decoder.decode(EngineOptions.self, from: $0) }),
        ]
        for field in fields {
            guard let json = field.json else { continue }
            do {
                try field.decode(Data(json.utf8))
            } catch {
                throw BookvoxError.failure("the project's stored \(field.name) cannot be read (\(error)); the project "
                    + "database is damaged or was written by another version of bookvox. Nothing was changed. Render "
                    + "the book into a new project (--project DIR), or restore the project from a backup.")
            }
        }
    }
}
