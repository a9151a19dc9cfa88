// A project belongs to one book: `render` refuses to render another book file into it (which would
// replace its audio and exports) unless the user asks for that explicitly with --replace-project.
import Foundation

public enum ProjectOwnership {
    /// Throws a bad-input error naming both books when `book` is not the project's book.
    /// The same book, moved: the project was moved or copied along with the book (it is this book's default
    /// project and not the recorded book's), or the recorded file is gone and the titles agree.
    public static func check(project: ProjectLayout, recorded: BookRecord, book: URL, plan: BookPlan,
                             replace: Bool, progress: RenderProgress) throws {
        let recordedURL = URL(fileURLWithPath: recorded.sourcePath).standardizedFileURL
        guard recordedURL.path != book.path else { return }
        if replace {
            progress.note("replacing the book of \(project.root.path): \(recordedURL.path) → \(book.path); "
                + "segments whose text is unchanged keep their audio.")
            return
        }
        let recordedExists = FileManager.default.fileExists(atPath: recordedURL.path)
        // Moved or copied together: the project sits next to this book as its default project, not next to
        // the recorded one.
        let movedTogether = ProjectLayout.defaultRoot(forBook: book).standardizedFileURL.path == project.root.path
            && ProjectLayout.defaultRoot(forBook: recordedURL).standardizedFileURL.path != project.root.path
        if movedTogether || (!recordedExists && recorded.title == plan.title) {
            progress.note("the book moved: \(recordedURL.path) → \(book.path).")
            return
        }
        throw BookvoxError.badInput("the project \(project.root.path) belongs to the book \(recordedURL.path) "
            + "(“\(recorded.title)”)\(recordedExists ? "" : ", which no longer exists"); rendering \(book.path) "
            + "(“\(plan.title)”) into it would replace that book's audio and exports. Nothing was changed. "
            + "Use another project directory (--project DIR), or pass --replace-project to make this the project's book.")
    }
}
