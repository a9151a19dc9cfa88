// How render / resume / rerender check every take: `--qa auto` (default: signal checks, plus the word check
// when a Whisper model is installed), `--qa signal`, `--qa asr`, `--qa off`; `--asr-model NAME`; `--max-takes N`.
import ArgumentParser
import Bookvox

enum QAMode: String, ExpressibleByArgument, CaseIterable {
    case auto, signal, asr, off
}

struct QAOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Checks on every take: auto (signal checks, plus the word check when a Whisper model is "
        + "installed; the default), signal (duration, silences, clipping, cut edges…), asr (signal and word checks; "
        + "needs a Whisper model), off."))
    var qa: QAMode = .auto

    @Option(help: "Whisper model for the word check (default: the installed one that suits the book's language).")
    var asrModel: String?

    @Option(help: "Takes per segment before the best one is kept and the segment flagged (default 3).")
    var maxTakes: Int = 3

    func validate() throws {
        guard (1...20).contains(maxTakes) else { throw ValidationError("--max-takes must be 1 to 20 (got \(maxTakes)).") }
    }

    func apply(to options: inout RenderOptions) {
        options.qa = qa == .off ? nil : .default
        switch qa {
        case .off, .signal: options.recognition = .off
        case .auto: options.recognition = asrModel.map { .required(model: $0) } ?? .auto
        case .asr: options.recognition = .required(model: asrModel)
        }
        options.maxTakes = maxTakes
    }
}
