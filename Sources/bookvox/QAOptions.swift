// How render / resume / rerender check every take: `--qa signal` (default), `--qa off`, `--max-takes N`.
import ArgumentParser
import Bookvox

enum QAMode: String, ExpressibleByArgument, CaseIterable {
    case signal, off
}

struct QAOptions: ParsableArguments {
    @Option(help: "Checks on every take: signal (duration, silences, clipping, cut edges…; the default) or off.")
    var qa: QAMode = .signal

    @Option(help: "Takes per segment before the best one is kept and the segment flagged (default 3).")
    var maxTakes: Int = 3

    func validate() throws {
        guard (1...20).contains(maxTakes) else { throw ValidationError("--max-takes must be 1 to 20 (got \(maxTakes)).") }
    }

    func apply(to options: inout RenderOptions) {
        options.qa = qa == .off ? nil : .default
        options.maxTakes = maxTakes
    }
}
