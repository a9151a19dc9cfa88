// How a Qwen3-TTS voice is chosen and what prepareVoice caches in the VoiceProfile:
//   * clone, in-context (Base; clip + transcript): tensors "speaker" (x-vector, talker hidden) and "referenceCodes"
//     (F_ref, groups) from the speech-tokenizer encoder; metadata transcript;
//   * clone, x-vector only (Base; clip without transcript): tensor "speaker";
//   * preset speaker (CustomVoice `spk_id` name): metadata speaker;
//   * voice design (VoiceDesign instruction text): metadata instruct.
// The reference-audio analyzers are protocols so the speech-tokenizer encoder and the ECAPA speaker encoder
// (Qwen3SpeechEncoder / Qwen3SpeakerEncoder) plug in without the engine depending on how they are built.
import Foundation
import SpeechEngine
import Tensors

/// Reference clip (mono, its sample rate) → speech-tokenizer codes (frames × groups).
public protocol Qwen3ReferenceCoder: Sendable {
    var sampleRate: Int { get }
    func encode(audio24k: [Float]) throws -> [[Int32]]
}

/// Reference clip (mono, its sample rate) → x-vector of the talker's hidden size.
public protocol Qwen3SpeakerEmbedder: Sendable {
    var sampleRate: Int { get }
    func embedding(audio24k: [Float]) throws -> [Float]
}

public enum Qwen3VoiceMode: String, Sendable {
    case inContext = "icl", xVector = "xvector", preset, design
}

/// The voice of every segment, decoded from a VoiceProfile.
struct Qwen3VoiceSpec {
    var mode: Qwen3VoiceMode
    var speaker: Qwen3Speaker
    var reference: Qwen3ICLReference?
    var instruct: String?
    var referenceFrames: [[Int]] { reference?.codes ?? [] }

    static let speakerKey = "speaker", codesKey = "referenceCodes"

    /// Reads what `Qwen3TTSEngine.prepareVoice` stored.
    init(profile: VoiceProfile, transcriptIds: (String) -> [Int], hidden: Int, groups: Int) throws {
        guard let raw = profile.metadata["mode"], let m = Qwen3VoiceMode(rawValue: raw) else {
            throw Qwen3TTSError.voice("the voice profile has no Qwen3-TTS mode (metadata \(profile.metadata)); prepare the voice again")
        }
        mode = m
        instruct = profile.metadata["instruct"]
        reference = nil
        switch m {
        case .preset:
            guard let name = profile.metadata["speaker"] else { throw Qwen3TTSError.voice("preset voice profile without a speaker name") }
            speaker = .preset(name)
        case .design:
            speaker = .none
        case .xVector, .inContext:
            guard let v = profile.tensors[Self.speakerKey], v.count == hidden else {
                throw Qwen3TTSError.shape(what: "cached speaker embedding", expected: [hidden],
                                          found: profile.tensors[Self.speakerKey]?.shape ?? [])
            }
            speaker = .embedding(v.reshaped([hidden]))
            if m == .inContext {
                guard let c = profile.tensors[Self.codesKey], c.rank == 2, c.shape[1] == groups, c.shape[0] > 0,
                      let transcript = profile.metadata["transcript"] else {
                    throw Qwen3TTSError.shape(what: "cached reference codes", expected: [-1, groups],
                                              found: profile.tensors[Self.codesKey]?.shape ?? [])
                }
                let flat = c.array.map { Int($0) }
                reference = Qwen3ICLReference(transcriptIds: transcriptIds(transcript),
                                              codes: (0..<c.shape[0]).map { Array(flat[($0 * groups)..<(($0 + 1) * groups)]) })
            }
        }
    }

    /// Default text layout per mode (upstream wrappers): clones stream the text, CustomVoice / VoiceDesign do not.
    var defaultLayout: Qwen3TextLayout {
        switch mode {
        case .inContext, .xVector: return .streaming
        case .preset, .design: return .nonStreaming
        }
    }
}
