// The voices of a render: the book's cast (front matter `voices:`) resolved against the engine the book is rendered
// with. Each voice becomes an engine instance and a clip:
//   * espeak uses a voice's `espeak:` voice name (another espeak-ng voice; cheap to make);
//   * qwen3-tts uses `speaker:` (CustomVoice models) or `design:` (VoiceDesign models), else `clip:` (+ `text:`);
//   * indextts2 uses `clip:` and the emotion settings (`emotion:`, `emotion-clip:`, `emotion-alpha:`);
//   * another engine uses `clip:` when it clones.
// A voice's settings for other engines are ignored (a book can carry settings for several engines); a voice that
// gives this engine nothing to speak with is an error naming the voice and its line (espeak and a voice with only a
// clip: a warning, as for `--voice`, and the engine's own voice). Voices whose engine settings equal the book's share the book's engine
// instance; each distinct setting makes one instance (IndexTTS2 instances share the loaded model, see
// IndexTTS2Registration; a Qwen3-TTS instance loads its model once more).
// The default voice is the cast's `default:` (or `narrator`) voice, else the command line's `--voice` clip.
import Foundation
import SpeechEngine
import TextFrontend

/// One voice of a render: the engine instance that speaks it and the clip it clones (nil: none).
struct CastVoiceSetup {
    var engine: SpeechEngine
    var reference: VoiceReference?

    var identity: VoiceIdentity { VoiceIdentity(voiceHash: reference?.sha256, engine: EngineIdentity(engine)) }
}

struct RenderCast {
    var defaultVoice: CastVoiceSetup
    /// The cast's voices other than the default that the book uses, by name.
    var named: [String: CastVoiceSetup]

    /// The cache identity inputs of the named voices (PlanSync).
    var identities: [String: VoiceIdentity] { named.mapValues(\.identity) }

    /// Resolves `cast` for `engine` (made from `settings`). `defaultClip` is the command line's (or the project's)
    /// clip, already passed through `voiceForEngine`; `used` are the voice names the book's segments use.
    /// `bookPath` names the book in errors.
    static func resolve(cast: BookCast?, bookPath: String, used: Set<String>, engine: SpeechEngine, settings: EngineOptions,
                        defaultClip: VoiceReference?, explicitClip: Bool, registry: EngineRegistry,
                        progress: RenderProgress) throws -> RenderCast {
        guard let cast else { return RenderCast(defaultVoice: CastVoiceSetup(engine: engine, reference: defaultClip), named: [:]) }
        var instances: [(EngineOptions, SpeechEngine)] = [(settings, engine)]
        func instance(_ options: EngineOptions, _ voice: CastVoice) throws -> SpeechEngine {
            if let found = instances.first(where: { $0.0 == options }) { return found.1 }
            do {
                let made = try registry.make(engine.name, options: options)
                instances.append((options, made))
                return made
            } catch {
                throw BookvoxError.badInput("\(bookPath):\(voice.line): voice '\(voice.name)': \(error)")
            }
        }
        func setup(_ voice: CastVoice, fallbackClip: VoiceReference?) throws -> CastVoiceSetup {
            // A clip the book names must exist, whether or not this engine clones it.
            if let clip = voice.clip, !FileManager.default.fileExists(atPath: clip) {
                throw BookvoxError.badInput("\(bookPath):\(voice.line): voice '\(voice.name)': its clip \(clip) does not "
                    + "exist. Fix the `clip:` path (it is relative to the book file) or record the clip there.")
            }
            let options = try Self.options(for: voice, at: "\(bookPath):\(voice.line): voice '\(voice.name)'", engine: engine.name,
                                           base: settings, progress: progress)
            let speaker = try instance(options, voice)
            var reference: VoiceReference?
            if speaker.canCloneVoice {
                if let clip = voice.clip {
                    do {
                        reference = try VoiceClip.load(path: clip, transcript: voice.text)
                    } catch {
                        throw BookvoxError.badInput("\(bookPath):\(voice.line): voice '\(voice.name)': \(error)")
                    }
                } else {
                    reference = fallbackClip
                }
            }
            return CastVoiceSetup(engine: speaker, reference: reference)
        }
        var defaultVoice = CastVoiceSetup(engine: engine, reference: defaultClip)
        if let name = cast.defaultVoice, let voice = cast.voice(named: name) {
            if explicitClip, defaultClip != nil {
                progress.warning("the book's cast names its default voice ('\(name)'); --voice is not used")
            }
            defaultVoice = try setup(voice, fallbackClip: nil)
        }
        var named: [String: CastVoiceSetup] = [:]
        for voice in cast.voices where voice.name != cast.defaultVoice && used.contains(voice.name) {
            named[voice.name] = try setup(voice, fallbackClip: defaultVoice.reference)
        }
        return RenderCast(defaultVoice: defaultVoice, named: named)
    }

    /// The engine settings that speak `voice`: the book's, with what the voice sets for this engine.
    /// `at` names the voice in errors ("book.md:12: voice 'mara'").
    static func options(for voice: CastVoice, at: String, engine: String, base: EngineOptions,
                        progress: RenderProgress) throws -> EngineOptions {
        var o = base
        switch engine {
        case EspeakRegistration.name:
            if let e = voice.espeak {
                o.espeakVoice = e
            } else if voice.clip != nil {
                progress.warning("\(at): espeak cannot clone its clip and it has no `espeak:` voice; espeak reads it with "
                    + "its own voice (add e.g. `espeak: en+f3`)")
            } else {
                throw BookvoxError.badInput("\(at) gives espeak nothing to speak with (a preset speaker, design text or emotion "
                    + "is for neural engines): add an `espeak:` voice such as en-us or en+f3")
            }
        case Qwen3Registration.name:
            if voice.speaker == nil, voice.design == nil, voice.clip == nil {
                throw BookvoxError.badInput("\(at) gives qwen3-tts nothing to speak with: add a `clip:` (with `text:`), "
                    + "a `speaker:` (CustomVoice models) or a `design:` text (VoiceDesign models)")
            }
            if let s = voice.speaker { o.speaker = s }
            if let d = voice.design { o.voiceDesign = d }
        case IndexTTS2Registration.name:
            if voice.clip == nil, voice.emotion == nil, voice.emotionClip == nil {
                throw BookvoxError.badInput("\(at) gives indextts2 nothing to speak with: add a `clip:` (and optionally "
                    + "`emotion:`, `emotion-clip:`, `emotion-alpha:`)")
            }
            if let e = voice.emotion { o.emotion = e }
            if let c = voice.emotionClip { o.emotionClip = c }
            if let a = voice.emotionAlpha { o.emotionAlpha = a }
        default:
            if voice.clip == nil {
                throw BookvoxError.badInput("\(at) gives engine '\(engine)' nothing to speak with: add a `clip:`")
            }
        }
        return o
    }
}
