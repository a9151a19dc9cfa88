import ArgumentParser
import Bookvox

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Plan, synthesize, stitch and export a book (resumes an existing project).")

    @Argument(help: "The book (.epub, .md, .markdown or .txt).")
    var book: String

    @Option(help: "Project directory (default: <book dir>/<book stem>.bookvox).")
    var project: String?

    @Option(help: "Only synthesize and export these chapters this run, e.g. 1 or 1,3-5 (default: all).")
    var chapters: String?

    @Flag(help: "Render this book into a project that belongs to another book file (its audio is replaced where the text differs).")
    var replaceProject = false

    @OptionGroup var settings: BookSettingsOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        var options = try settings.renderOptions(projectDir: project, chapters: try chapters.map(ChapterSelection.parse))
        options.replaceProject = replaceProject
        try withRenderRuntime(quiet: output.quiet) { progress, cancel in
            try RenderSession.render(book: book, options: options, progress: progress, cancel: cancel)
        }
    }
}
