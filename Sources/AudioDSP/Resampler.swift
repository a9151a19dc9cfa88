// Sample-rate conversion through libsoxr (float32 mono, linear phase).
//
// The whole buffer is converted in one soxr_oneshot call, which flushes the filter at the
// end; soxr compensates its own filter delay, so output sample k lines up with input time
// k / outRate. The output holds round(n · outRate / inRate) samples.
import CSoxr
import Foundation

public enum ResamplerError: Error, CustomStringConvertible {
    case invalidRate(from: Int, to: Int)
    case soxr(String)

    public var description: String {
        switch self {
        case let .invalidRate(f, t):
            return "cannot resample from \(f) Hz to \(t) Hz: both rates must be positive"
        case let .soxr(m):
            return "libsoxr failed: \(m)"
        }
    }
}

public enum Resampler {
    public enum Quality: Sendable {
        /// SOXR_HQ: 20-bit precision.
        case high
        /// SOXR_VHQ: 28-bit precision (default).
        case veryHigh

        var recipe: UInt {
            switch self {
            case .high: return UInt(SOXR_HQ)
            case .veryHigh: return UInt(SOXR_VHQ)
            }
        }
    }

    /// How many samples `resample` returns for `inputCount` samples: round(n · to / from), halves away from zero.
    public static func outputCount(inputCount: Int64, from: Int, to: Int) -> Int64 {
        from == to ? inputCount : Int64((Double(inputCount) * Double(to) / Double(from)).rounded())
    }

    /// Returns `buffer` converted to `rate` Hz (unchanged when it already is at that rate).
    public static func resample(_ buffer: AudioBuffer, to rate: Int, quality: Quality = .veryHigh) throws -> AudioBuffer {
        guard buffer.sampleRate > 0, rate > 0 else { throw ResamplerError.invalidRate(from: buffer.sampleRate, to: rate) }
        if buffer.sampleRate == rate { return buffer }
        let inCount = buffer.samples.count
        if inCount == 0 { return AudioBuffer(samples: [], sampleRate: rate) }

        let outCount = Int(outputCount(inputCount: Int64(inCount), from: buffer.sampleRate, to: rate))
        var out = [Float](repeating: 0, count: outCount)
        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var qSpec = soxr_quality_spec(quality.recipe, 0)
        var runtime = soxr_runtime_spec(1)
        var idone = 0
        var odone = 0
        let err: soxr_error_t? = buffer.samples.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { outp in
                soxr_oneshot(Double(buffer.sampleRate), Double(rate), 1,
                             inp.baseAddress, inCount, &idone,
                             outp.baseAddress, outCount, &odone,
                             &ioSpec, &qSpec, &runtime)
            }
        }
        if let err { throw ResamplerError.soxr(String(cString: err)) }
        if odone < outCount { out.removeLast(outCount - odone) }
        return AudioBuffer(samples: out, sampleRate: rate)
    }
}
