// The voice of a render: the project's recorded clip, whether the engine can clone it, and its profile
// (prepared once per clip, engine and model, cached under voices/).
import Foundation
import SpeechEngine

extension RenderSession {
    /// The project's recorded clip, if it still exists with the same bytes.
    static func reloadVoice(_ record: BookRecord?) throws -> VoiceReference? {
        guard let record, let path = record.voicePath, FileManager.default.fileExists(atPath: path) else { return nil }
        let ref = try VoiceClip.load(path: path)
        return ref.sha256 == record.voiceSha256 || record.voiceSha256 == nil ? ref : nil
    }

    /// Warns once when the engine cannot clone; the voice then plays no part in synthesis or cache identity.
    static func voiceForEngine(_ engine: SpeechEngine, voice: VoiceReference?, explicit: Bool,
                                       progress: RenderProgress) throws -> VoiceReference? {
        guard let voice else { return nil }
        if engine.canCloneVoice { return voice }
        if explicit {
            progress.warning("engine '\(engine.name)' cannot clone voices: the clip \(voice.path ?? "") was checked "
                + "but is not used; narrating with the engine's own voice. Install a neural model "
                + "(`bookvox models download indextts2`) and pass --engine indextts2 to clone it.")
        }
        return nil
    }

    static func prepareVoice(engine: SpeechEngine, voice: VoiceReference?, store: JobStore,
                                     writer: FileWriting) throws -> VoiceProfile {
        let recorded = try store.book()?.voiceSha256
        guard let voice else {
            guard engine.canCloneVoice, let recorded else { return try engine.prepareVoice(nil) }
            // The clip is gone or changed since the project was rendered: only its cached profile can be used.
            let url = store.layout.voiceProfile(sha256: recorded, engine: engine.name, modelHash: engine.modelHash)
            if let cached = VoiceProfileCache.load(from: url, engine: engine.name, modelHash: engine.modelHash,
                                                   voiceHash: recorded) { return cached }
            throw BookvoxError.badInput("the project's voice clip (\(try store.book()?.voicePath ?? "?")) is missing or "
                + "changed and no cached profile exists in \(url.path). Restore the clip, or render again with --voice.")
        }
        let url = store.layout.voiceProfile(sha256: voice.sha256, engine: engine.name, modelHash: engine.modelHash)
        if let cached = VoiceProfileCache.load(from: url, engine: engine.name, modelHash: engine.modelHash,
                                               voiceHash: voice.sha256) { return cached }
        let profile = try engine.prepareVoice(voice)
        try writer.write(try VoiceProfileCache.encode(profile, modelHash: engine.modelHash), to: url.path)
        try store.saveVoice(VoiceRecord(sha256: voice.sha256, path: voice.path ?? "", engine: engine.name,
                                        profilePath: "voices/\(url.lastPathComponent)"))
        return profile
    }
}
