// openai-whisper normalizers/english.py EnglishTextNormalizer (the normalizer Whisper's English WER uses):
// lowercase; drop [bracketed]/<tagged> and (parenthesized) words and hesitations (hmm, mm, mhm, mmm, uh, um);
// expand contractions and titles; remove commas between digits and periods not before digits; symbols and
// diacritics → spaces except . % $ ¢ € £; EnglishNumberNormalizer; British → American spellings (the
// spelling map is the model directory's normalizer.json = openai-whisper's english.json); symbols not next to
// numbers removed; whitespace runs → one space.
import Foundation

public struct EnglishTextNormalizer: Sendable {
    /// British → American spellings (EnglishSpellingNormalizer's mapping).
    public let spellings: [String: String]
    let numbers = EnglishNumberNormalizer()

    public init(spellings: [String: String]) {
        self.spellings = spellings
    }

    /// Reads normalizer.json from a Whisper model directory (or any file with the same {word: word} object).
    public init(spellingFile url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw WhisperError.modelFile(path: url.path, problem: "cannot read the spelling map",
                                         fix: "use a Whisper model directory with normalizer.json (bookvox models download whisper-base.en)")
        }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: String] else {
            throw WhisperError.modelFile(path: url.path, problem: "not a JSON object of strings", fix: "download the model again")
        }
        self.init(spellings: obj)
    }

    /// The normalizer of a model directory (its normalizer.json).
    public init(directory: URL) throws {
        try self.init(spellingFile: directory.appendingPathComponent("normalizer.json"))
    }

    static let ignorePatterns = PyRegex(#"\b(hmm|mm|mhm|mmm|uh|um)\b"#)
    static let replacers: [(PyRegex, String)] = [
        // common contractions
        (#"\bwon't\b"#, "will not"), (#"\bcan't\b"#, "can not"), (#"\blet's\b"#, "let us"), (#"\bain't\b"#, "aint"),
        (#"\by'all\b"#, "you all"), (#"\bwanna\b"#, "want to"), (#"\bgotta\b"#, "got to"), (#"\bgonna\b"#, "going to"),
        (#"\bi'ma\b"#, "i am going to"), (#"\bimma\b"#, "i am going to"), (#"\bwoulda\b"#, "would have"),
        (#"\bcoulda\b"#, "could have"), (#"\bshoulda\b"#, "should have"), (#"\bma'am\b"#, "madam"),
        // contractions in titles/prefixes
        (#"\bmr\b"#, "mister "), (#"\bmrs\b"#, "missus "), (#"\bst\b"#, "saint "), (#"\bdr\b"#, "doctor "),
        (#"\bprof\b"#, "professor "), (#"\bcapt\b"#, "captain "), (#"\bgov\b"#, "governor "), (#"\bald\b"#, "alderman "),
        (#"\bgen\b"#, "general "), (#"\bsen\b"#, "senator "), (#"\brep\b"#, "representative "), (#"\bpres\b"#, "president "),
        (#"\brev\b"#, "reverend "), (#"\bhon\b"#, "honorable "), (#"\basst\b"#, "assistant "), (#"\bassoc\b"#, "associate "),
        (#"\blt\b"#, "lieutenant "), (#"\bcol\b"#, "colonel "), (#"\bjr\b"#, "junior "), (#"\bsr\b"#, "senior "),
        (#"\besq\b"#, "esquire "),
        // perfect tenses
        (#"'d been\b"#, " had been"), (#"'s been\b"#, " has been"), (#"'d gone\b"#, " had gone"), (#"'s gone\b"#, " has gone"),
        (#"'d done\b"#, " had done"), (#"'s got\b"#, " has got"),
        // general contractions
        (#"n't\b"#, " not"), (#"'re\b"#, " are"), (#"'s\b"#, " is"), (#"'d\b"#, " would"), (#"'ll\b"#, " will"),
        (#"'t\b"#, " not"), (#"'ve\b"#, " have"), (#"'m\b"#, " am"),
    ].map { (PyRegex($0.0), $0.1) }

    static let spaceApostrophe = PyRegex(#"\s+'"#)
    static let digitComma = PyRegex(#"(\d),(\d)"#)
    static let period = PyRegex(#"\.([^0-9]|$)"#)
    static let symbolBeforeNonDigit = PyRegex(#"[.$¢€£]([^0-9])"#)
    static let percentAfterNonDigit = PyRegex(#"([^0-9])%"#)
    static let spaces = PyRegex(#"\s+"#)

    public func normalize(_ text: String) -> String {
        var s = text.lowercased()
        s = BasicTextNormalizer.brackets.sub("", s)
        s = BasicTextNormalizer.parentheses.sub("", s)
        s = Self.ignorePatterns.sub("", s)
        s = Self.spaceApostrophe.sub("'", s)
        for (pattern, replacement) in Self.replacers { s = pattern.sub(replacement, s) }
        s = Self.digitComma.sub(#"\1\2"#, s)
        s = Self.period.sub(#" \1"#, s)
        s = BasicTextNormalizer.removeSymbolsAndDiacritics(s, keep: ".%$¢€£")
        s = numbers.normalize(s)
        s = PythonText.split(s).map { spellings[$0] ?? $0 }.joined(separator: " ")
        s = Self.symbolBeforeNonDigit.sub(#" \1"#, s)
        s = Self.percentAfterNonDigit.sub(#"\1 "#, s)
        return Self.spaces.sub(" ", s)
    }
}
