// Per-sample true-peak envelope: the largest magnitude the reconstructed (band-limited) signal
// reaches near each sample, inter-sample peaks included. Drives the peak limiter.
//
// The signal is upsampled 4× with libsoxr (linear phase, SOXR_VHQ, streamed in blocks so a long
// chapter never needs its 4× copy in memory; soxr removes its own filter delay, so oversampled
// value k lies at input time k/4). With s[i] = max(|x[i]|, |y[4i]|, |y[4i+1]|, |y[4i+2]|, |y[4i+3]|),
// the peak of the interval [i, i+1), the envelope is e[i] = max(s[i−1], s[i]): the peak of
// [i−1, i+1). Every inter-sample peak is thus charged to both samples around it, so a gain that is
// at most ceiling/e at both of them keeps that peak under the ceiling.
//
// This is the same measure as BS.1770-4 Annex 2 (≥ 4× oversampling, absolute value); libebur128's
// own true-peak meter uses a shorter interpolation filter, so the two agree to within a few
// hundredths of a dB on speech and the limiter keeps a margin under the ceiling it must meet.
import CSoxr
import Foundation

public enum TruePeakEnvelope {
    /// Oversampling factor of the peak detector.
    public static let oversampling = 4
    /// Input samples fed to soxr per call.
    private static let block = 1 << 16

    /// The envelope of `buffer` (one value per input sample, linear magnitude).
    public static func envelope(_ buffer: AudioBuffer) throws -> [Float] {
        guard buffer.sampleRate > 0 else { throw ResamplerError.invalidRate(from: buffer.sampleRate, to: buffer.sampleRate * oversampling) }
        let x = buffer.samples
        let n = x.count
        if n == 0 { return [] }
        var segment = x.map { abs($0) }  // s[i], starts as |x[i]|

        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var qSpec = soxr_quality_spec(UInt(SOXR_VHQ), 0)
        var runtime = soxr_runtime_spec(1)
        var createError: soxr_error_t?
        guard let soxr = soxr_create(Double(buffer.sampleRate), Double(buffer.sampleRate * oversampling), 1,
                                     &createError, &ioSpec, &qSpec, &runtime) else {
            throw ResamplerError.soxr(createError.map { String(cString: $0) } ?? "soxr_create returned nothing")
        }
        defer { soxr_delete(soxr) }

        let limit = n * oversampling
        var produced = 0  // oversampled values seen so far
        var out = [Float](repeating: 0, count: block * oversampling + 4096)
        func take(_ count: Int) {
            segment.withUnsafeMutableBufferPointer { s in
                out.withUnsafeBufferPointer { o in
                    for j in 0..<count where produced + j < limit {
                        let i = (produced + j) / oversampling
                        let v = abs(o[j])
                        if v > s[i] { s[i] = v }
                    }
                }
            }
            produced += count
        }

        var offset = 0
        while offset < n {
            let count = min(block, n - offset)
            var consumed = 0
            while consumed < count {
                var idone = 0
                var odone = 0
                let err: soxr_error_t? = x.withUnsafeBufferPointer { xp in
                    out.withUnsafeMutableBufferPointer { op in
                        soxr_process(soxr, xp.baseAddress! + offset + consumed, count - consumed, &idone,
                                     op.baseAddress, op.count, &odone)
                    }
                }
                if let err { throw ResamplerError.soxr(String(cString: err)) }
                take(odone)
                consumed += idone
            }
            offset += count
        }
        // Flush: soxr emits the output that still depends on the end of the input.
        while true {
            var odone = 0
            let err: soxr_error_t? = out.withUnsafeMutableBufferPointer { op in
                soxr_process(soxr, nil, 0, nil, op.baseAddress, op.count, &odone)
            }
            if let err { throw ResamplerError.soxr(String(cString: err)) }
            if odone == 0 { break }
            take(odone)
        }

        // e[i] = max(s[i−1], s[i]), in place from the end.
        segment.withUnsafeMutableBufferPointer { s in
            var i = n - 1
            while i > 0 {
                if s[i - 1] > s[i] { s[i] = s[i - 1] }
                i -= 1
            }
        }
        return segment
    }

    /// The largest envelope value in dBFS (−∞ for silence): the signal's oversampled true peak.
    public static func peakDB(_ envelope: [Float]) -> Double {
        let m = envelope.max() ?? 0
        return m > 0 ? 20 * log10(Double(m)) : -.infinity
    }
}
