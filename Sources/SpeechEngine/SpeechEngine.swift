// The engine contract (DESIGN.md "The engine contract"): prepareVoice once per voice,
// generate (autoregressive, codes) and render (non-autoregressive, audio) per segment.
import AudioDSP
import Foundation
import Neural
import Tensors

/// A narrator clip the user supplied.
public struct VoiceReference: Sendable {
    public var path: String?
    public var audio: AudioBuffer
    /// sha256 of the file's bytes (hex): the voice cache key.
    public var sha256: String
    /// Transcript of the clip, for engines that use it (Qwen3 in-context cloning).
    public var transcript: String?

    public init(path: String?, audio: AudioBuffer, sha256: String, transcript: String? = nil) {
        self.path = path
        self.audio = audio
        self.sha256 = sha256
        self.transcript = transcript
    }
}

/// What an engine derived from a voice: named tensors plus string metadata, cached on disk.
public struct VoiceProfile: @unchecked Sendable {
    public var engine: String
    public var voiceHash: String
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(engine: String, voiceHash: String, tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.engine = engine
        self.voiceHash = voiceHash
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// One segment to synthesize.
public struct SegmentRequest: Sendable {
    /// Stable key such as "3.17".
    public var key: String
    /// Normalized text sent to the engine.
    public var text: String
    public var language: String
    public var seed: UInt64
    public var take: Int
    /// Speaking rate (1: the engine's natural pace; 0.8 slower, 1.2 faster). An engine with `speaksAtRate`
    /// applies it itself; for the others the pipeline time-stretches the rendered audio.
    public var rate: Double

    public init(key: String, text: String, language: String = "en", seed: UInt64, take: Int = 1, rate: Double = 1) {
        self.key = key
        self.text = text
        self.language = language
        self.seed = seed
        self.take = take
        self.rate = rate
    }
}

/// Output of the autoregressive stage; small, stored in the job store.
public struct GeneratedCodes: Codable, Sendable, Equatable {
    public var shape: [Int]
    public var values: [Int32]
    public var metadata: [String: String]

    public init(shape: [Int], values: [Int32], metadata: [String: String] = [:]) {
        self.shape = shape
        self.values = values
        self.metadata = metadata
    }
}

public enum SpeechEngineError: Error, CustomStringConvertible {
    case voiceTooShort(seconds: Double, minimum: Double)
    case modelMissing(path: String, fix: String)
    case generationFailed(key: String, reason: String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .voiceTooShort(s, m):
            return String(format: "voice clip is %.2f s long; at least %.1f s of speech is needed", s, m)
        case let .modelMissing(p, fix): return "model file missing: \(p). Fix: \(fix)"
        case let .generationFailed(k, r): return "segment \(k): generation failed: \(r)"
        case let .unsupported(m): return m
        }
    }
}

/// An engine error that may be caused by the user's input (a language the engine has no voice for, an unknown
/// speaker or variant) rather than by the engine or its model; the CLI reports those as bad input (exit 3).
public protocol EngineInputError: Error {
    /// True when this error is about the user's book or options.
    var isInputError: Bool { get }
}

public protocol SpeechEngine: AnyObject, Sendable {
    /// Registry name, e.g. "espeak", "indextts2", "qwen3-tts".
    var name: String { get }
    /// Bumped whenever output for the same inputs may change (part of the cache identity).
    var version: String { get }
    /// Identity of the loaded weights (hash of the model files), or "builtin".
    var modelHash: String { get }
    var sampleRate: Int { get }
    var canCloneVoice: Bool { get }
    /// Settings that affect output (sampling parameters, variant…), part of the cache identity.
    var settingsDescription: String { get }

    func prepareVoice(_ reference: VoiceReference?) throws -> VoiceProfile
    func generate(_ request: SegmentRequest, voice: VoiceProfile) throws -> GeneratedCodes
    func render(_ codes: GeneratedCodes, request: SegmentRequest, voice: VoiceProfile) throws -> AudioBuffer
    /// Decodes several segments at once; must give per segment exactly what `generate` gives.
    func generateBatch(_ requests: [SegmentRequest], voice: VoiceProfile) -> [Result<GeneratedCodes, Error>]
    /// Segments the scheduler should hand to `generateBatch` at once (1: one `generate` per segment).
    var preferredBatchSize: Int { get }
    /// Whether another seed gives another take (sampling engines). When false, a take that fails its checks
    /// is not tried again: the next take would be the same audio.
    var seedChangesOutput: Bool { get }
    /// Whether speech may start at the very first sample of a take by design (espeak starts speaking at
    /// once); when false, such a take counts as cut at its start.
    var startsAtFirstSample: Bool { get }
    /// Whether the engine speaks at `SegmentRequest.rate` itself (espeak-ng's words per minute); when false the
    /// pipeline time-stretches its audio (AudioDSP.TimeStretch, pitch kept) for a rate other than 1.
    var speaksAtRate: Bool { get }
}

extension SpeechEngine {
    public var preferredBatchSize: Int { 1 }
    public var seedChangesOutput: Bool { true }
    public var startsAtFirstSample: Bool { false }
    public var speaksAtRate: Bool { false }

    public func generateBatch(_ requests: [SegmentRequest], voice: VoiceProfile) -> [Result<GeneratedCodes, Error>] {
        requests.map { r in Result { try generate(r, voice: voice) } }
    }
}
