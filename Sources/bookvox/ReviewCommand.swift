import ArgumentParser
import Bookvox

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Segments by the score of their checks, worst first: text, what was heard, findings, takes.")

    @Argument(help: "Project directory (default: the current directory's project, or its single *.bookvox directory).")
    var projectDir: String?

    @Flag(help: "Print the review as JSON (every checked segment, with all its takes).")
    var json = false

    @Flag(help: "Also list the segments that passed.")
    var all = false

    @OptionGroup var project: ProjectOption

    func run() throws {
        let report = try ReviewReport.make(project: try project.locate(positional: projectDir))
        print(json ? try report.json() : report.text(all: all))
    }
}
