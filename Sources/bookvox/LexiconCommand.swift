// `bookvox lexicon check BOOK`: what the pronunciation lexicon changes and which words espeak-ng does not know.
import ArgumentParser
import Bookvox
import Foundation

struct LexiconCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon", abstract: "Pronunciation lexicon tools.",
        discussion: """
            A lexicon is a YAML file (lexicon.yaml next to the book, or --lexicon PATH) and/or the front matter's \
            pronunciations: mapping. Each line is `word: respelling`, or a mapping with say:, espeak: [[phonemes]], \
            indextts2: (tone-numbered pinyin), case-sensitive: (default false), whole-word: (default true); an ordered \
            rules: list of {pattern: REGEX, replace: TEMPLATE} runs first. It changes only the text the engine is given.
            """,
        subcommands: [LexiconCheckCommand.self])
}

struct LexiconCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List the words the lexicon changes in a book, and the words espeak-ng's dictionary lacks (most frequent first).")

    @Argument(help: "The book (.epub, .md, .markdown or .txt).")
    var book: String

    @Option(help: ArgumentHelp("Lexicon file (default: lexicon.yaml next to the book).", valueName: "path"))
    var lexicon: String?

    @Option(help: "Apply the replacements for this engine: espeak, indextts2, qwen3-tts (default espeak).")
    var engine = "espeak"

    @OptionGroup var reading: ReadingOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard ["espeak", "indextts2", "qwen3-tts"].contains(engine) else {
            throw ValidationError("--engine must be espeak, indextts2 or qwen3-tts (got '\(engine)').")
        }
    }

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let bookPath = URL(fileURLWithPath: book, relativeTo: cwd).standardizedFileURL.path
        let lexiconPath = lexicon.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL.path }
        let check = try LexiconCheck.make(bookAt: bookPath, lexiconPath: lexiconPath, engine: engine, reading: reading.planned)
        print(json ? try check.json() : check.text)
    }
}
