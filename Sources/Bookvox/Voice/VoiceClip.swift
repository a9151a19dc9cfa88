// Loads and validates the narrator clip given with --voice: it must be readable, decodable audio,
// at least one second long, finite, and not silent. Its sha256 is the voice cache key.
import AudioDSP
import Foundation
import SpeechEngine

public enum VoiceClip {
    public static let minimumSeconds = 1.0
    /// Quieter clips are refused as silent: −50 LUFS is 20 dB below the quietest usable speech recording.
    public static let minimumLoudnessLUFS = -50.0

    /// `transcript` (what the clip says) is kept on the reference and folded into its cache key, so a profile
    /// derived with a transcript (Qwen3-TTS in-context cloning) is never confused with one derived without.
    public static func load(path: String, transcript: String?) throws -> VoiceReference {
        var ref = try load(path: path)
        if let t = transcript?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
            ref.transcript = t
            ref.sha256 = Hashing.sha256Hex(ref.sha256 + "\ntranscript:" + t)
        }
        return ref
    }

    public static func load(path: String) throws -> VoiceReference {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
            throw BookvoxError.badInput("voice clip \(path) does not exist. Pass a WAV/FLAC recording of the narrator with --voice.")
        }
        guard !isDir.boolValue, fm.isReadableFile(atPath: path), let sha = Hashing.sha256Hex(fileAt: path) else {
            throw BookvoxError.badInput("voice clip \(path) is unreadable (a directory, or no read permission). "
                + "Pass a readable WAV/FLAC file with --voice.")
        }
        let audio: AudioBuffer
        do {
            audio = try AudioFile.read(path: path)
        } catch {
            throw BookvoxError.badInput("voice clip \(path) is not audio (\(error)). "
                + "Pass a WAV, FLAC or other libsndfile-readable recording with --voice.")
        }
        guard audio.duration >= minimumSeconds else {
            throw BookvoxError.badInput(String(format: "voice clip %@ is too short: %.2f s; at least %.0f s of speech is needed "
                + "(3-10 s works best).", path, audio.duration, minimumSeconds))
        }
        if let bad = audio.samples.firstIndex(where: { !$0.isFinite }) {
            throw BookvoxError.badInput("voice clip \(path) is damaged: sample \(bad) is \(audio.samples[bad]) "
                + "(not a number). Export the recording again as WAV or FLAC.")
        }
        // BS.1770 loudness gates out silence below −70 LUFS: a silent clip measures −∞.
        let loudness = (try? Loudness.measure(audio).integratedLUFS) ?? -Double.infinity
        guard loudness >= minimumLoudnessLUFS else {
            let level = loudness.isFinite ? String(format: "%.1f LUFS", loudness) : "no measurable sound"
            throw BookvoxError.badInput("voice clip \(path) is silent or nearly silent (\(level); speech is usually "
                + "between −30 and −14 LUFS). Pass a recording of the narrator speaking with --voice.")
        }
        // The project records this path, and `resume` may run from another directory.
        return VoiceReference(path: URL(fileURLWithPath: path).standardizedFileURL.path, audio: audio, sha256: sha)
    }
}
