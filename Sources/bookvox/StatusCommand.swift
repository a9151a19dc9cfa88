import ArgumentParser
import Bookvox
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per-chapter progress, failed and flagged segments.")

    @Argument(help: "Project directory (default: the current directory's project, or its single *.bookvox directory).")
    var projectDir: String?

    @OptionGroup var project: ProjectOption
    @OptionGroup var store: StoreOption

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        if let url = try store.url() {
            let report = try StoreStatusReport.read(storeURL: url)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.text)
            }
            return
        }
        let report = try StatusReport.make(project: try project.locate(positional: projectDir))
        print(json ? try report.json() : report.text)
    }
}
