import ArgumentParser
import Bookvox

struct FlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag", abstract: "Mark a rendered segment for review (listed by `status`; fix with `rerender`).")

    @Argument(help: "[PROJECT] then the segment key CHAPTER.INDEX, e.g. 3.17.")
    var arguments: [String] = []

    @Option(help: "Why it needs another take.")
    var reason: String?

    @OptionGroup var project: ProjectOption

    func validate() throws {
        guard try splitKeysAndProject(arguments).keys.count == 1 else {
            throw ValidationError("give one segment key CHAPTER.INDEX, e.g. `bookvox flag 3.17`.")
        }
    }

    func run() throws {
        let (keys, positional) = try splitKeysAndProject(arguments)
        try ProjectCommands.flag(project: try project.locate(positional: positional), key: keys[0], reason: reason)
        print("flagged \(keys[0])")
    }
}
