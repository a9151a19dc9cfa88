import ArgumentParser
import Bookvox

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per-chapter progress, failed and flagged segments.")

    @Argument(help: "Project directory (default: the current directory's project, or its single *.bookvox directory).")
    var projectDir: String?

    @OptionGroup var project: ProjectOption

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let report = try StatusReport.make(project: try project.locate(positional: projectDir))
        print(json ? try report.json() : report.text)
    }
}
