import ArgumentParser
import Bookvox

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show chapters, segments, characters and estimated length; renders nothing.")

    @Argument(help: "The book (.epub, .md, .markdown or .txt).")
    var book: String

    @OptionGroup var reading: ReadingOptions

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        let report = try PlanReport.make(bookAt: book, reading: reading.planned)
        print(json ? try report.json() : report.text)
    }
}
