// librosa.load / librosa.resample with res_type='soxr_hq' (librosa 0.10.2 through python-soxr), which IndexTTS2
// uses to read its reference clips: libsoxr HQ (20-bit), float32 in/out, fed in chunks then flushed, and the
// output forced to ceil(N·to/from) samples (zero-padded or trimmed). `Resampler` (soxr_oneshot, VHQ, rounded
// length) is the general-purpose converter; this one reproduces librosa sample for sample.
import CSoxr
import Foundation

public enum LibrosaResample {
    /// librosa.resample(res_type='soxr_hq') as librosa 0.10.2 runs it through python-soxr: libsoxr HQ,
    /// float32 in/out, fed in chunks then flushed, output forced to ceil(N·to/from) samples.
    public static func soxrHQ(_ x: [Float], from: Int, to: Int) throws -> [Float] {
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_20_BITQ), 0)
        guard let soxr = soxr_create(Double(from), Double(to), 1, &error, &io, &quality, nil), error == nil else {
            throw FeatureError.invalidConfig("soxr_create(\(from) → \(to)) failed: \(error.map { String(cString: $0) } ?? "unknown")")
        }
        defer { soxr_delete(soxr) }
        let capacity = x.count * to / from + 1
        let chunk = 48000 * from / to
        var out = [Float](repeating: 0, count: capacity)
        var produced = 0
        try x.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer { output in
                var done = 0
                var idx = 0
                while idx < x.count {
                    let n = min(chunk, x.count - idx)
                    if let e = soxr_process(soxr, input.baseAddress! + idx, n, nil, output.baseAddress! + produced,
                                            capacity - produced, &done) {
                        throw FeatureError.invalidConfig("soxr_process failed: \(String(cString: e))")
                    }
                    produced += done
                    idx += chunk
                }
                if let e = soxr_process(soxr, nil, 0, nil, output.baseAddress! + produced, capacity - produced, &done) {
                    throw FeatureError.invalidConfig("soxr_process (flush) failed: \(String(cString: e))")
                }
                produced += done
            }
        }
        let target = Int((Double(x.count) * (Double(to) / Double(from))).rounded(.up))
        var result = Array(out[0..<min(produced, target)])
        if result.count < target { result += [Float](repeating: 0, count: target - result.count) }
        return result
    }
}
