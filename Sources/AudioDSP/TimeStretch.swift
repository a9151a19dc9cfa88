// Changes the speed of speech without changing its pitch: Rubber Band Library (librubberband 3) in offline mode
// with its R3 ("finer") engine, one thread, pitch scale 1. Offline mode studies the whole input before
// processing it, so the stretch ratio is met over the whole buffer; with threading off the result is a pure
// function of the input samples, rate and sample rate (same bytes on every run).
//
// Used for engines that have no speaking-rate control of their own (Qwen3-TTS, IndexTTS2): a rate of 1.25
// makes the audio 1.25 times as fast, i.e. 0.8 times as long.
import CRubberBand
import Foundation

public enum TimeStretch {
    /// Samples handed to Rubber Band per call.
    static let block = 4096

    /// `audio` played `rate` times as fast (rate > 1: shorter) with its pitch kept. The output has
    /// round(count / rate) samples.
    public static func changeSpeed(_ audio: AudioBuffer, rate: Double) -> AudioBuffer {
        stretch(audio, by: 1 / rate)
    }

    /// `audio` made `factor` times as long (factor > 1: slower) with its pitch kept; round(count × factor) samples.
    public static func stretch(_ audio: AudioBuffer, by factor: Double) -> AudioBuffer {
        precondition(factor > 0 && factor.isFinite, "stretch factor must be positive")
        let n = audio.samples.count
        guard n > 0, factor != 1 else { return audio }
        let target = Int((Double(n) * factor).rounded())
        let options = Int32(RubberBandOptionProcessOffline.rawValue | RubberBandOptionEngineFiner.rawValue
            | RubberBandOptionThreadingNever.rawValue | RubberBandOptionPitchHighQuality.rawValue
            | RubberBandOptionChannelsTogether.rawValue)
        guard let state = rubberband_new(UInt32(audio.sampleRate), 1, options, factor, 1.0) else {
            preconditionFailure("rubberband_new failed")
        }
        defer { rubberband_delete(state) }
        rubberband_set_expected_input_duration(state, UInt32(n))
        rubberband_set_max_process_size(state, UInt32(block))
        var out: [Float] = []
        out.reserveCapacity(target + block)
        audio.samples.withUnsafeBufferPointer { input in
            // Study pass over the whole input, then the processing pass.
            var start = 0
            while start < n {
                let count = min(block, n - start)
                let p: UnsafePointer<Float>? = input.baseAddress! + start
                withUnsafePointer(to: p) { rubberband_study(state, $0, UInt32(count), start + count == n ? 1 : 0) }
                start += count
            }
            var buffer = [Float](repeating: 0, count: block)
            func drain() {
                while true {
                    let available = Int(rubberband_available(state))
                    guard available > 0 else { return }
                    let want = min(available, block)
                    let got = buffer.withUnsafeMutableBufferPointer { b -> Int in
                        let q: UnsafeMutablePointer<Float>? = b.baseAddress
                        return withUnsafePointer(to: q) { Int(rubberband_retrieve(state, $0, UInt32(want))) }
                    }
                    out.append(contentsOf: buffer[0..<got])
                }
            }
            start = 0
            while start < n {
                let count = min(block, n - start)
                let p: UnsafePointer<Float>? = input.baseAddress! + start
                withUnsafePointer(to: p) { rubberband_process(state, $0, UInt32(count), start + count == n ? 1 : 0) }
                start += count
                drain()
            }
            while rubberband_available(state) >= 0 {
                drain()
                if rubberband_available(state) == 0 { break }
            }
        }
        // Rubber Band meets the ratio to within a few samples; the exact length keeps durations predictable.
        if out.count > target { out.removeLast(out.count - target) }
        if out.count < target { out += [Float](repeating: 0, count: target - out.count) }
        return AudioBuffer(samples: out, sampleRate: audio.sampleRate)
    }
}
