// Whisper as the word check's recognizer: a model directory in the published Hugging Face layout (installed
// with `bookvox models download whisper-base.en`), openai-whisper's transcribe() with word timestamps, and
// its text normalizers for the comparison (the English normalizer of the model's normalizer.json for English
// books, the basic normalizer otherwise).
import AudioDSP
import Foundation
import Whisper

public final class WhisperRecognizer: SpeechRecognizing, @unchecked Sendable {
    public let name: String
    let model: WhisperModel
    let english: EnglishTextNormalizer?
    let basic = BasicTextNormalizer()
    /// Whisper's decoders are not reentrant; transcriptions run one at a time.
    private let lock = NSLock()

    public init(directory: URL, name: String? = nil) throws {
        model = try WhisperModel.load(directory: directory)
        english = try? EnglishTextNormalizer(directory: directory)
        self.name = name ?? directory.lastPathComponent
    }

    /// The installed Whisper model `name`, else the preferred installed one (English-only models for English
    /// books first, multilingual ones otherwise); nil when none is installed.
    public static func installed(name: String? = nil, language: String) throws -> WhisperRecognizer? {
        let store = try ModelStore.standard()
        if let name {
            let model = try store.require(model: name)
            return try WhisperRecognizer(directory: model.directory, name: name)
        }
        let english = language.lowercased().hasPrefix("en")
        let candidates = store.catalog.manifests(forEngine: "whisper")
            .filter { english || !$0.name.hasSuffix(".en") }
            .sorted { a, b in (english && a.name.hasSuffix(".en") ? 0 : 1, a.rank) < (english && b.name.hasSuffix(".en") ? 0 : 1, b.rank) }
        for m in candidates {
            if let model = try? store.require(model: m.name) { return try WhisperRecognizer(directory: model.directory, name: m.name) }
        }
        return nil
    }

    public func words(in audio: AudioBuffer, language: String, seed: UInt64, maxTokens: Int) throws -> [RecognizedWord] {
        var options = WhisperTranscribeOptions()
        options.wordTimestamps = true
        options.seed = seed
        options.decode.sampleLength = min(max(1, maxTokens), model.config.maxTargetPositions / 2)
        if model.tokenizer.isMultilingual { options.decode.language = Self.whisperLanguage(language) }
        lock.lock()
        defer { lock.unlock() }
        let transcript = try model.transcribe(audio: audio, options: options)
        return transcript.words.map { RecognizedWord(text: $0.word, start: $0.start, end: $0.end) }
    }

    public func comparableWords(_ text: String, language: String) -> [String] {
        let normalized = language.lowercased().hasPrefix("en") ? (english?.normalize(text) ?? basic.normalize(text)) : basic.normalize(text)
        return normalized.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// Whisper's language code for a book language tag ("en-US" → "en", "zh-Hans" → "zh").
    static func whisperLanguage(_ tag: String) -> String? {
        let base = tag.lowercased().split(separator: "-").first.map(String.init) ?? ""
        return base.isEmpty || base == "auto" ? nil : base
    }
}
