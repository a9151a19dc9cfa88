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

    /// Prepares each named voice of the cast once (cached like the default voice, per clip, engine and model).
    static func prepareCast(_ cast: RenderCast, store: JobStore, writer: FileWriting) throws -> [String: CastVoiceEngine] {
        var out: [String: CastVoiceEngine] = [:]
        for name in cast.named.keys.sorted() {
            let setup = cast.named[name]!
            do {
                let profile = try prepareVoice(engine: setup.engine, voice: setup.reference, store: store, writer: writer,
                                               useRecorded: false)
                out[name] = CastVoiceEngine(engine: setup.engine, profile: profile)
            } catch {
                throw BookvoxError.badInput("voice '\(name)': \(error)")
            }
        }
        return out
    }

    /// The segments in synthesis order: by chapter (so chapters complete and export in turn), within a chapter the
    /// default voice's first, then each cast voice's (so the scheduler can batch segments of one voice together).
    static func castOrder(_ segments: [SegmentRecord], _ voices: [String: CastVoiceEngine]) -> [SegmentRecord] {
        guard !voices.isEmpty else { return segments }
        let names = voices.keys.sorted()
        func rank(_ s: SegmentRecord) -> Int { s.voice.flatMap { names.firstIndex(of: $0) }.map { $0 + 1 } ?? 0 }
        return segments.enumerated().sorted { a, b in
            (a.element.chapter, rank(a.element), a.offset) < (b.element.chapter, rank(b.element), b.offset)
        }.map(\.element)
    }

    static func prepareVoice(engine: SpeechEngine, voice: VoiceReference?, store: JobStore,
                                     writer: FileWriting, useRecorded: Bool = true) throws -> VoiceProfile {
        let recorded = try store.book()?.voiceSha256
        guard let voice else {
            guard useRecorded, engine.canCloneVoice, let recorded else { return try engine.prepareVoice(nil) }
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
