import ArgumentParser
import Bookvox

struct RerenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerender",
        abstract: "Re-synthesize exactly these segments with a new take, then re-export only their chapters.")

    @Argument(help: "[PROJECT] then segment keys CHAPTER.INDEX, e.g. 3.17 3.18.")
    var arguments: [String] = []

    @Option(help: "Take number to use (default: the segment's current take + 1; each take has its own seed).")
    var take: Int?

    @OptionGroup var project: ProjectOption

    @OptionGroup var model: ModelOptions
    @OptionGroup var checks: QAOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if try splitKeysAndProject(arguments).keys.isEmpty {
            throw ValidationError("give at least one segment key, e.g. `bookvox rerender 3.17`.")
        }
    }

    func run() throws {
        let (keys, positional) = try splitKeysAndProject(arguments)
        let layout = try project.locate(positional: positional)
        var options = RenderOptions()
        model.apply(to: &options)
        checks.apply(to: &options)
        try withRenderRuntime(quiet: output.quiet) { progress, cancel in
            try RenderSession.rerender(project: layout, keys: keys, take: take, options: options,
                                       progress: progress, cancel: cancel)
        }
    }
}
