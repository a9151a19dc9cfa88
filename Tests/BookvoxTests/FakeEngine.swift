// A deterministic engine for scheduler/state tests: codes are drawn from the request's seeded RNG,
// audio is a tone whose pitch and noise come from the codes. It counts calls, can fail chosen takes,
// and can sleep per segment so tests can interrupt a run.
import AudioDSP
import Bookvox
import Foundation
import Neural
import SpeechEngine
import Tensors

final class FakeEngine: SpeechEngine, @unchecked Sendable {
    let name = "fake"
    let version = "1"
    let modelHash: String
    let sampleRate = 16_000
    let canCloneVoice: Bool
    var settingsDescription: String { "tone" }

    private let lock = NSLock()
    private(set) var generateCalls: [String] = []
    private(set) var renderCalls: [String] = []
    /// Keys whose generate fails for the listed takes.
    var failures: [String: Set<Int>] = [:]
    var delay: TimeInterval = 0
    /// Called on every generate (after counting), e.g. to cancel a run after N segments.
    var onGenerate: ((String) -> Void)?

    init(canCloneVoice: Bool = false, modelHash: String = "builtin") {
        self.canCloneVoice = canCloneVoice
        self.modelHash = modelHash
    }

    /// Segments the scheduler should batch (FakeEngine answers each batch item as `generate` would).
    var preferredBatchSize = 1
    /// Sizes of the batches handed to `generate` / `generateBatch`, in call order.
    private(set) var batchSizes: [Int] = []
    /// The voice (profile hash) and the segment keys of each batch, in call order.
    private(set) var batchVoices: [String] = []
    private(set) var batchKeys: [[String]] = []

    func generateBatch(_ requests: [SegmentRequest], voice: VoiceProfile) -> [Result<GeneratedCodes, Error>] {
        lock.lock()
        batchSizes.append(requests.count)
        batchVoices.append(voice.voiceHash)
        batchKeys.append(requests.map(\.key))
        lock.unlock()
        return requests.map { r in Result { try generateOne(r, voice: voice) } }
    }

    /// The options the registry made this engine with, most recent last.
    private(set) var madeWith: [EngineOptions] = []

    private(set) var prepareCalls = 0

    func prepareVoice(_ reference: VoiceReference?) throws -> VoiceProfile {
        lock.lock()
        prepareCalls += 1
        lock.unlock()
        guard let reference else { return VoiceProfile(engine: name, voiceHash: "none", metadata: ["kind": "fake"]) }
        // A tiny "speaker embedding": the clip's first samples.
        let emb = Tensor(shape: [2, 3], data: Array(reference.audio.samples.prefix(6)))
        return VoiceProfile(engine: name, voiceHash: reference.sha256, tensors: ["speaker": emb], metadata: ["kind": "fake"])
    }

    func generate(_ request: SegmentRequest, voice: VoiceProfile) throws -> GeneratedCodes {
        lock.lock()
        batchSizes.append(1)
        batchVoices.append(voice.voiceHash)
        batchKeys.append([request.key])
        lock.unlock()
        return try generateOne(request, voice: voice)
    }

    private func generateOne(_ request: SegmentRequest, voice: VoiceProfile) throws -> GeneratedCodes {
        lock.lock()
        generateCalls.append(request.key)
        let fail = failures[request.key]?.contains(request.take) ?? false
        let hook = onGenerate
        lock.unlock()
        hook?(request.key)
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        if fail { throw SpeechEngineError.generationFailed(key: request.key, reason: "injected failure on take \(request.take)") }
        var textHash: UInt64 = 0xCBF2_9CE4_8422_2325 // FNV-1a: the codes depend on the text and the seed
        for b in request.text.utf8 { textHash = (textHash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        var rng = SeededRNG(seed: request.seed ^ textHash)
        let n = max(4, request.text.count / 4)
        return GeneratedCodes(shape: [n], values: (0..<n).map { _ in Int32(rng.next() % 1000) })
    }

    /// Takes whose audio is broken on purpose, to exercise the checks: key → take → fault.
    var faults: [String: [Int: AudioFault]] = [:]

    enum AudioFault {
        case silence, runaway, clipping, cutEnd, longPause, dcOffset, nonFinite
        /// Speech 1.8 times as long as usual: inside the language prior, outside a learned profile.
        case slow
    }

    /// A tone about as long as the text would take to say (≈ 60 ms per character, at least 0.3 s), one pitch
    /// per code, with 0.1 s of silence before and after, 5 ms ramps at every pitch change.
    func render(_ codes: GeneratedCodes, request: SegmentRequest, voice: VoiceProfile) throws -> AudioBuffer {
        lock.lock()
        renderCalls.append(request.key)
        let fault = faults[request.key]?[request.take]
        lock.unlock()
        let edge = sampleRate / 10
        var seconds = max(0.3, Double(request.text.count) * 0.06)
        if fault == .runaway { seconds *= 30 }
        if fault == .slow { seconds *= 1.8 }
        let total = Int(seconds * Double(sampleRate))
        let perCode = max(1, total / max(1, codes.values.count))
        let ramp = sampleRate / 200
        var out = [Float](repeating: 0, count: edge)
        for (i, c) in codes.values.enumerated() {
            let f = 150 + Double(c)
            for t in 0..<perCode {
                let x = Double(i * perCode + t) / Double(sampleRate)
                let g = Float(min(1, Double(min(t, perCode - 1 - t)) / Double(ramp)))
                out.append(Float(0.3 * sin(2 * Double.pi * f * x)) * g)
            }
        }
        out += [Float](repeating: 0, count: edge)
        switch fault {
        case .silence?: out = out.map { $0 * 1e-4 }
        case .clipping?: out = out.map { max(-1, min(1, $0 * 8)) }
        case .cutEnd?: out.removeLast(edge + perCode / 2)
        case .longPause?:
            let mid = out.count / 2
            out.insert(contentsOf: [Float](repeating: 0, count: 3 * sampleRate), at: mid)
        case .dcOffset?: out = out.map { $0 + 0.1 }
        case .nonFinite?: out[out.count / 2] = .nan
        case .runaway?, .slow?, nil: break
        }
        return AudioBuffer(samples: out, sampleRate: sampleRate)
    }

    var generateCount: Int { lock.lock(); defer { lock.unlock() }; return generateCalls.count }

    /// A registry holding only this engine (as "fake").
    func registry() -> EngineRegistry {
        EngineRegistry(registrations: [EngineRegistration(name: name, summary: "test tone", isNeural: false,
                                                          isInstalled: { true }, make: { o in
                                                              self.lock.lock()
                                                              self.madeWith.append(o)
                                                              self.lock.unlock()
                                                              return self
                                                          })])
    }
}
