import ArgumentParser
import Bookvox

struct FlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag", abstract: "Mark a rendered segment for review (listed by `status`; fix with `rerender`).")

    @Argument(help: "Segment key CHAPTER.INDEX, e.g. 3.17.")
    var key: String

    @Option(help: "Why it needs another take.")
    var reason: String?

    @Option(help: "Project directory (default: the single *.bookvox directory here).")
    var project: String?

    func run() throws {
        try ProjectCommands.flag(project: try ProjectLayout.locate(project), key: key, reason: reason)
        print("flagged \(key)")
    }
}
