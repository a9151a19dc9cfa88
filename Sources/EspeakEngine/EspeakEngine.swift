// The built-in draft voice: espeak-ng formant synthesis behind the SpeechEngine contract.
//
// espeak-ng has no autoregressive stage: `generate` returns empty codes that carry a hash of
// the text (so `render` can refuse codes made for other text), and `render` synthesizes.
// Output depends only on (text, language, variant, rate): see EspeakRuntime for how
// espeak-ng's process-global state is kept out of it. It cannot clone voices; a reference
// clip passed to `prepareVoice` is ignored (the caller warns the user once).
import AudioDSP
import CEspeakNG
import Foundation
import Logging
import SpeechEngine

public final class EspeakEngine: SpeechEngine {
    public let name = "espeak"
    /// Bump when the synthesis recipe (fork isolation, noise seed, sample conversion) changes.
    public let version = "1"
    public let modelHash: String
    public let sampleRate: Int
    public let canCloneVoice = false
    /// espeak-ng is a formant synthesizer: the same text always gives the same samples, whatever the seed.
    public let seedChangesOutput = false
    /// Its samples start with the first phoneme, without a lead-in.
    public let startsAtFirstSample = true
    /// The speaking rate scales espeak-ng's words per minute.
    public let speaksAtRate = true
    public let options: EspeakOptions
    let runtime: EspeakRuntime
    private let logger = Logger(label: "bookvox.espeak")

    public var settingsDescription: String {
        "language=\(options.language) variant=\(options.variant ?? "default") wpm=\(options.wordsPerMinute)"
    }

    /// Initializes espeak-ng (once per process) and checks the options against the installed data.
    public init(options: EspeakOptions = EspeakOptions()) throws {
        let runtime = try EspeakRuntime.shared.get()
        guard (Int(espeakRATE_MINIMUM)...Int(espeakRATE_MAXIMUM)).contains(options.wordsPerMinute) else {
            throw EspeakError.invalidRate(options.wordsPerMinute)
        }
        if let v = options.variant {
            let available = runtime.availableVariants
            guard available.contains(v) else { throw EspeakError.unknownVariant(v, available: available) }
        }
        guard !options.language.isEmpty, !options.language.contains("+") else {
            throw EspeakError.unknownLanguage(options.language)
        }
        // Probe the voice once so a bad language fails here, not on the first segment. A regional tag espeak-ng has no
        // voice for ("en-GB", as books write it: espeak-ng's British English is "en") falls back to its language.
        var options = options
        do {
            _ = try runtime.synthesize(text: "", voice: options.voiceName, wordsPerMinute: options.wordsPerMinute)
        } catch EspeakError.unknownLanguage(let tag) where options.language.contains("-") {
            let primary = String(options.language.prefix { $0 != "-" })
            var fallback = options
            fallback.language = primary
            guard (try? runtime.synthesize(text: "", voice: fallback.voiceName, wordsPerMinute: options.wordsPerMinute)) != nil else {
                throw EspeakError.unknownLanguage(tag)
            }
            Logger(label: "bookvox.espeak").notice("espeak-ng has no voice for '\(options.language)'; using '\(primary)'")
            options = fallback
        }
        self.runtime = runtime
        self.options = options
        self.sampleRate = runtime.sampleRate
        self.modelHash = "builtin-espeak-ng-\(runtime.version)"
    }

    public func prepareVoice(_ reference: VoiceReference?) throws -> VoiceProfile {
        if let reference {
            logger.debug("espeak cannot clone voices; ignoring reference \(reference.path ?? reference.sha256)")
        }
        return VoiceProfile(engine: name, voiceHash: "espeak:\(options.voiceName)", metadata: [
            "voice": options.voiceName,
            "language": options.language,
            "variant": options.variant ?? "",
            "referenceIgnored": reference == nil ? "false" : "true",
        ])
    }

    public func generate(_ request: SegmentRequest, voice: VoiceProfile) throws -> GeneratedCodes {
        GeneratedCodes(shape: [0], values: [], metadata: [
            "engine": name,
            "textHash": Self.textHash(request.text),
            "voice": voice.metadata["voice"] ?? options.voiceName,
        ])
    }

    public func render(_ codes: GeneratedCodes, request: SegmentRequest, voice: VoiceProfile) throws -> AudioBuffer {
        guard codes.metadata["textHash"] == Self.textHash(request.text) else {
            throw EspeakError.codesMismatch(key: request.key)
        }
        let voiceName = codes.metadata["voice"] ?? voice.metadata["voice"] ?? options.voiceName
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return AudioBuffer(samples: [], sampleRate: sampleRate) }
        let pcm = try runtime.synthesize(text: text, voice: voiceName, wordsPerMinute: wordsPerMinute(rate: request.rate),
                                         phonemeInput: text.contains("[["))
        return AudioBuffer(samples: pcm.map { Float($0) / 32_768 }, sampleRate: sampleRate)
    }

    /// The words per minute for a speaking rate: the voice's rate times `rate`, within espeak-ng's 80…450.
    func wordsPerMinute(rate: Double) -> Int {
        guard rate != 1 else { return options.wordsPerMinute }
        let wpm = Int((Double(options.wordsPerMinute) * rate).rounded())
        return min(max(wpm, Int(espeakRATE_MINIMUM)), Int(espeakRATE_MAXIMUM))
    }

    /// FNV-1a 64 of the UTF-8 text, as 16 hex digits.
    static func textHash(_ text: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return String(format: "%016llx", h)
    }
}
