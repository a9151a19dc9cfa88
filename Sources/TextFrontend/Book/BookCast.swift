// A book's cast of voices, read from the Markdown front matter (`voices:` or `cast:`, `dialogue:`):
//
//     voices:
//       narrator: { clip: narrator.wav, text: "What the clip says.", espeak: en-us }
//       elizabeth: { clip: elizabeth.wav, espeak: en+f3 }
//       default: narrator          # optional; a voice named `narrator` is the default otherwise
//     dialogue: elizabeth          # optional: quoted speech is read by this voice
//     chapter-voices:              # optional: chapters by number or title (a heading attribute does the same)
//       2: elizabeth
//
// Each voice names what an engine needs to speak with it: a clip (+ transcript) for cloning engines, a
// Qwen3-TTS preset `speaker:` or voice-design text (`design:`), IndexTTS2 emotion settings (`emotion:`,
// `emotion-clip:`, `emotion-alpha:`), or an espeak-ng voice (`espeak: en+f3`). Which of them a render uses is
// decided by the engine (Bookvox's RenderCast); here they are only read and checked for shape.
import Foundation
import Yams

/// One named voice of the cast, as the front matter gives it (paths as written, relative to the book file).
public struct CastVoice: Codable, Sendable, Equatable {
    public var name: String
    /// A recording of the voice (cloning engines).
    public var clip: String?
    /// What the clip says (Qwen3-TTS in-context cloning).
    public var text: String?
    /// A Qwen3-TTS CustomVoice preset speaker.
    public var speaker: String?
    /// A Qwen3-TTS VoiceDesign description.
    public var design: String?
    /// IndexTTS2 emotion: an 8-category vector ("happy=0.6,calm=0.2"), a second clip, and the mix factor.
    public var emotion: String?
    public var emotionClip: String?
    public var emotionAlpha: Double?
    /// An espeak-ng voice name ("en-us", "en+f3").
    public var espeak: String?
    /// The voice's speaking-rate factor; it multiplies the book's `rate` (Plan/BookPlan.voiceRate).
    public var rate: Double?
    /// 1-based line of the book file where the voice is defined.
    public var line: Int

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    /// Whether the entry names anything to speak with.
    public var hasSource: Bool {
        clip != nil || speaker != nil || design != nil || espeak != nil || emotion != nil || emotionClip != nil
    }
}

/// The cast: its voices in the order written, the default voice and the dialogue voice.
public struct BookCast: Codable, Sendable, Equatable {
    public var voices: [CastVoice]
    /// The voice of everything no chapter, passage or quote assigns (`default:`, else a voice named `narrator`);
    /// nil: the voice given on the command line (`--voice`), as for a book without a cast.
    public var defaultVoice: String?
    /// The voice of quoted speech (`dialogue:`); nil: quotes are read by the voice around them.
    public var dialogueVoice: String?
    /// 1-based line of the `voices:` key.
    public var line: Int
    /// Chapters' voices from the front matter (`chapter-voices:`): a chapter number or title, its voice.
    public var chapterVoices: [ChapterVoice] = []

    public init(voices: [CastVoice] = [], defaultVoice: String? = nil, dialogueVoice: String? = nil, line: Int = 1) {
        self.voices = voices
        self.defaultVoice = defaultVoice
        self.dialogueVoice = dialogueVoice
        self.line = line
    }

    public func voice(named name: String) -> CastVoice? { voices.first { $0.name == name } }
    public var names: [String] { voices.map(\.name) }

    /// The error text for a voice name the cast does not have.
    func unknown(_ name: String) -> String {
        voices.isEmpty ? "there is no voice '\(name)': the book has no cast (add a `voices:` mapping to the front matter)"
            : "there is no voice '\(name)' in the cast (voices: \(names.joined(separator: ", "))); check the spelling "
            + "or add it under `voices:` in the front matter"
    }
}

/// One entry of `chapter-voices:`: the chapter (its number, or its title as the heading reads) and its voice.
public struct ChapterVoice: Codable, Sendable, Equatable {
    public var chapter: String
    public var voice: String
    /// 1-based line of the entry in the book file.
    public var line: Int
}

/// Reads the `voices:` (or `cast:`) mapping of the front matter.
enum CastFrontMatter {
    static let voiceKeys = ["clip", "text", "speaker", "design", "emotion", "emotion-clip", "emotion-alpha", "espeak", "rate"]

    /// `node` is the value of `voices:`; `firstLine` the file line of the YAML's first line.
    static func parse(_ node: Node, keyLine: Int, firstLine: Int, path: String) throws -> BookCast {
        func fail(_ line: Int, _ reason: String) -> BookError { .malformedFrontMatter(path: path, line: line, reason: reason) }
        func lineOf(_ n: Node) -> Int { firstLine + (n.mark?.line ?? 1) - 1 }
        guard let mapping = node.mapping else {
            throw fail(lineOf(node), "'voices' must map voice names to their settings (e.g. `elizabeth: { clip: liz.wav }`)")
        }
        var cast = BookCast(line: keyLine)
        var defaultLine = keyLine
        for (keyNode, value) in mapping {
            let name = (keyNode.string ?? "").trimmingCharacters(in: .whitespaces)
            let line = lineOf(keyNode)
            guard isValidName(name) else {
                throw fail(line, "voice name '\(name)' must be letters, digits, '-' or '_' (it is written as {voice=\(name)})")
            }
            if name == "default" {
                guard let s = value.scalar?.string.trimmingCharacters(in: .whitespaces), !s.isEmpty else {
                    throw fail(line, "'default' under 'voices' names the default voice (e.g. `default: narrator`)")
                }
                cast.defaultVoice = s
                defaultLine = line
                continue
            }
            guard cast.voice(named: name) == nil else { throw fail(line, "voice '\(name)' is defined twice") }
            var voice = CastVoice(name: name, line: line)
            if value.null != nil {
                throw fail(line, "voice '\(name)' has no settings: give it a clip, speaker, design, emotion or espeak voice")
            }
            guard let fields = value.mapping else {
                throw fail(line, "voice '\(name)' must be a mapping of settings (e.g. `{ clip: \(name).wav }`) but is a single value")
            }
            for (fieldNode, fieldValue) in fields {
                let field = fieldNode.string ?? ""
                let fieldLine = lineOf(fieldNode)
                guard let raw = fieldValue.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
                    throw fail(fieldLine, "'\(field)' of voice '\(name)' must be a non-empty single value")
                }
                switch field {
                case "clip": voice.clip = raw
                case "text": voice.text = raw
                case "speaker": voice.speaker = raw
                case "design": voice.design = raw
                case "emotion": voice.emotion = raw
                case "emotion-clip": voice.emotionClip = raw
                case "emotion-alpha":
                    guard let v = Double(raw), v.isFinite, v >= 0 else {
                        throw fail(fieldLine, "'\(field)' of voice '\(name)' must be a number ≥ 0 but is '\(raw)'")
                    }
                    voice.emotionAlpha = v
                case "rate":
                    do {
                        voice.rate = try SpeakingRate.parse(raw)
                    } catch {
                        throw fail(fieldLine, "'rate' of voice '\(name)': \(error.description)")
                    }
                case "espeak": voice.espeak = raw
                default:
                    throw fail(fieldLine, "voice '\(name)' has an unknown setting '\(field)' (known: \(voiceKeys.joined(separator: ", ")))")
                }
            }
            guard voice.hasSource else {
                throw fail(line, "voice '\(name)' has nothing to speak with: give it a clip, speaker, design, emotion or espeak voice")
            }
            cast.voices.append(voice)
        }
        guard !cast.voices.isEmpty else { throw fail(keyLine, "'voices' defines no voice") }
        if let d = cast.defaultVoice {
            guard cast.voice(named: d) != nil else { throw fail(defaultLine, cast.unknown(d)) }
        } else if cast.voice(named: "narrator") != nil {
            cast.defaultVoice = "narrator"
        }
        return cast
    }

    /// The `chapter-voices:` mapping: chapter number or title → voice name.
    static func chapterVoices(_ node: Node, firstLine: Int, path: String) throws -> [ChapterVoice] {
        func lineOf(_ n: Node) -> Int { firstLine + (n.mark?.line ?? 1) - 1 }
        guard let mapping = node.mapping else {
            throw BookError.malformedFrontMatter(path: path, line: lineOf(node),
                                                 reason: "'chapter-voices' must map chapters (number or title) to voices (e.g. `2: elizabeth`)")
        }
        return try mapping.map { key, value in
            guard let chapter = key.scalar?.string.trimmingCharacters(in: .whitespaces), !chapter.isEmpty,
                  let voice = value.scalar?.string.trimmingCharacters(in: .whitespaces), !voice.isEmpty else {
                throw BookError.malformedFrontMatter(path: path, line: lineOf(key),
                                                     reason: "each 'chapter-voices' entry is `CHAPTER: VOICE` (e.g. `2: elizabeth`)")
            }
            return ChapterVoice(chapter: chapter, voice: voice, line: lineOf(key))
        }
    }

    /// Voice names: letters, digits, '-' and '_' (they are written in Markdown attributes).
    static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
