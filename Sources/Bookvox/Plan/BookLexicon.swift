// Finds and loads a book's pronunciation lexicon: the file given with `--lexicon` (remembered by the project), else
// `lexicon.yaml` next to the book when there is one; the front matter's `pronunciations:` entries override the
// file's entries for the same word (its rules run after the file's). TextFrontend/Lexicon has the format.
import Foundation
import TextFrontend

public enum BookLexicon {
    /// The file a book's directory may hold.
    public static let fileName = "lexicon.yaml"

    /// The lexicon file the book uses: `explicit` when given (it must exist), else `lexicon.yaml` beside the book.
    public static func file(forBook bookPath: String, explicit: String?) throws -> String? {
        if let explicit {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: explicit, isDirectory: &isDir), !isDir.boolValue else {
                throw BookvoxError.badInput("the lexicon file \(explicit) does not exist (--lexicon names a YAML file such as "
                    + "lexicon.yaml). Give the right path, or leave --lexicon out to use \(fileName) next to the book.")
            }
            return explicit
        }
        let beside = URL(fileURLWithPath: bookPath).deletingLastPathComponent().appendingPathComponent(fileName).path
        return FileManager.default.fileExists(atPath: beside) ? beside : nil
    }

    /// The book's lexicon (nil: none), validated: a malformed file is bad input naming the file, line and entry.
    public static func load(forBook bookPath: String, explicit: String?, frontMatter: Lexicon?) throws -> Lexicon? {
        var lexicon: Lexicon?
        if let path = try file(forBook: bookPath, explicit: explicit) {
            do {
                lexicon = try LexiconParser.load(path: path)
            } catch let e as LexiconError {
                throw BookvoxError.badInput(e.description)
            }
        }
        if let frontMatter { lexicon = (lexicon ?? Lexicon()).overridden(by: frontMatter) }
        return lexicon.flatMap { $0.isEmpty ? nil : $0 }
    }
}
