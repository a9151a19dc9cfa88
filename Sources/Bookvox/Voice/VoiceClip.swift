// Loads and validates the narrator clip given with --voice: it must be readable, decodable audio,
// and at least one second long. Its sha256 is the voice cache key.
import AudioDSP
import Foundation
import SpeechEngine

public enum VoiceClip {
    public static let minimumSeconds = 1.0

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
        // The project records this path, and `resume` may run from another directory.
        return VoiceReference(path: URL(fileURLWithPath: path).standardizedFileURL.path, audio: audio, sha256: sha)
    }
}
