// `bookvox bench --asr whisper-base.en`: runs WhisperBench and formats its report (JSON or lines), with the share of
// synthesis time the ASR check would add for the given synthesis costs (seconds of compute per second of audio,
// e.g. the "book pipeline" figure of `bookvox bench --engine qwen3-tts`).
import Foundation
import Whisper

public enum WhisperBenchRunner {
    /// The tokenizer files the bench model uses: the installed model's, else the repo's test model (same ids).
    public static func defaultTokenizerDirectory(model: String) -> URL? {
        if let installed = try? ModelStore.standard().require(model: model) { return installed.directory }
        let english = model.hasSuffix(".en")
        let candidate = "Tests/Fixtures/whisper/transcribe_tiny_\(english ? "en" : "multi")/hf"
        return FileManager.default.fileExists(atPath: candidate + "/vocab.json") ? URL(fileURLWithPath: candidate) : nil
    }

    public static func run(model: String, tokenizerDirectory: URL?, repetitions: Int,
                           synthesisSecondsPerSecond: [Double]) throws -> (json: Data, lines: [String]) {
        guard let dir = tokenizerDirectory ?? defaultTokenizerDirectory(model: model) else {
            throw BookvoxError.badInput("no Whisper tokenizer files found: run `bookvox models download \(model)` or pass --asr-tokenizer DIR")
        }
        var o = WhisperBenchOptions(tokenizerDirectory: dir)
        o.model = model
        o.repetitions = max(1, repetitions)
        let r = try WhisperBench.run(o)
        func ms(_ s: Double) -> String { String(format: "%.0f ms", s * 1000) }
        var lines = ["Whisper \(r.model) (random weights, \(String(format: "%.1f", Double(r.parameters) / 1e6)) M parameters), "
                     + "\(r.threads) threads; each segment decodes 1.3 tokens per word + 2 timestamps + EOT"]
        for s in r.segments {
            lines.append(String(format: "%4.0f s / %2d words (%2d tokens): mel %@, encoder %@ (30 s window), cross K/V %@, decode %@ "
                                + "(%.1f ms/token), words %@ → total %@ = %.3f s per s of audio",
                                s.seconds, s.words, s.tokens, ms(s.melSeconds), ms(s.encoderSeconds), ms(s.crossKeyValueSeconds),
                                ms(s.decodeSeconds), s.decodeStepMs, ms(s.alignmentSeconds), ms(s.totalSeconds), s.secondsPerSecond))
        }
        for rtf in synthesisSecondsPerSecond {
            let shares = r.segments.map { String(format: "%.0f s %.1f %%", $0.seconds, 100 * $0.secondsPerSecond / rtf) }
            lines.append(String(format: "share of synthesis at %.3f s per s of audio: ", rtf) + shares.joined(separator: ", "))
        }
        if let e = r.segments.first?.encoderSeconds {
            let packed = r.segments.map { s -> String in
                let perSegment = s.totalSeconds - s.encoderSeconds - s.crossKeyValueSeconds
                    + (s.encoderSeconds + s.crossKeyValueSeconds) * s.seconds / 30
                return String(format: "%.0f s %.3f s per s", s.seconds, perSegment / s.seconds)
            }
            lines.append(String(format: "the 30 s window dominates short segments (encoder %.0f ms each); segments packed into full windows: ", e * 1000)
                         + packed.joined(separator: ", "))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try encoder.encode(r), lines)
    }
}
