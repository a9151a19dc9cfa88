// `--lexicon`, `--pauses` and `--rate` for render and resume (all remembered by the project), and `--reset-narration`.
import ArgumentParser
import Bookvox
import Foundation
import TextFrontend

struct NarrationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pronunciation lexicon (YAML; default: lexicon.yaml next to the book). Remembered by the project.",
                               valueName: "path"))
    var lexicon: String?

    @Option(help: ArgumentHelp("Pauses in seconds (0-10) after each boundary and around chapters, e.g. "
        + "sentence=0.6,paragraph=1.2 (names: clause, sentence, paragraph, scene, chapter-head, chapter-tail; defaults "
        + "0.25, 0.5, 1, 2, 0.75, 1.5). Wins over the front matter's pace:, remembered by the project; changes only the "
        + "stitching.", valueName: "name=seconds,..."))
    var pauses: String?

    @Option(help: ArgumentHelp("Speaking rate, 0.5-2 (0.9 slower, 1.1 faster; default: the front matter's rate:, else 1). "
        + "Remembered by the project.", valueName: "factor"))
    var rate: String?

    @Flag(help: ArgumentHelp("Forget the remembered --lexicon, --pauses and --rate: the front matter and the lexicon.yaml "
        + "next to the book apply again (flags given with it are remembered instead)."))
    var resetNarration = false

    func validate() throws {
        _ = try parsedPauses()
        _ = try parsedRate()
    }

    private func parsedPauses() throws -> PauseSettings? {
        do { return try pauses.map(PauseSettings.parse) } catch { throw ValidationError("--pauses: \(error.description)") }
    }

    private func parsedRate() throws -> Double? {
        do { return try rate.map(SpeakingRate.parse) } catch { throw ValidationError("--rate: \(error.description)") }
    }

    func apply(to options: inout RenderOptions) throws {
        options.resetNarration = resetNarration
        if let lexicon {
            options.lexiconPath = URL(fileURLWithPath: lexicon, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        }
        options.pauses = try parsedPauses()
        options.rate = try parsedRate()
    }
}
