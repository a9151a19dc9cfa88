import ArgumentParser
import Bookvox

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per-chapter progress, failed and flagged segments.")

    @Argument(help: "Project directory (default: the single *.bookvox directory here).")
    var project: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let report = try StatusReport.make(project: try ProjectLayout.locate(project))
        print(json ? try report.json() : report.text)
    }
}
