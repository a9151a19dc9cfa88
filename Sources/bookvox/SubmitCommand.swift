import ArgumentParser
import Bookvox
import Foundation

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Plan a book into a PostgreSQL store for workers on several machines to render.",
        discussion: "Submitting a book again (edited, or with other settings) keeps the audio of every segment that did not change.")

    @Argument(help: "The book (.epub, .md, .markdown or .txt).")
    var book: String

    @Option(help: "The book's name in the store (default: the file name without extension).")
    var name: String?

    @OptionGroup var store: StoreOption
    @OptionGroup var settings: BookSettingsOptions

    func run() throws {
        let options = try settings.renderOptions()
        let progress = TerminalProgress(quiet: true)
        let report = try Submitter.submit(book: book, key: name, options: options, storeURL: try store.required(), progress: progress)
        if report.unchanged {
            print("\(report.key) is unchanged (plan \(report.planVersion)): \(report.segments) segment(s), "
                + "\(report.reused) rendered, \(report.segments - report.reused) queued; nothing was re-queued")
            return
        }
        print("submitted \(report.key) (plan \(report.planVersion)): \(report.segments) segment(s), "
            + "\(report.segments - report.reused) to render, \(report.reused) kept from the previous plan")
    }
}
