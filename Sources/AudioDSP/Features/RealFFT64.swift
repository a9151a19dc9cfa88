// Real-to-complex FFT through FFTW in double precision (fftw_*), for the references that
// transform in float64 (numpy.fft in transformers' Seamless front end) and for float32 references
// whose low-level bins a single-precision FFT would blur (Kaldi fbank high bands).
// Same scheme as RealFFT: one cached FFTW_ESTIMATE plan per size, planner calls under
// FFTWPlanner.lock, per-caller workspaces executed with the thread-safe new-array interface.
import CFFTW
import Foundation

public final class RealFFT64: @unchecked Sendable {
    public let size: Int
    /// Number of onesided bins, size/2 + 1.
    public var binCount: Int { size / 2 + 1 }
    private let plan: fftw_plan

    private static var cache: [Int: RealFFT64] = [:]

    private init(size: Int, plan: fftw_plan) {
        self.size = size
        self.plan = plan
    }

    /// The shared forward plan for `size` real samples, created on first use.
    public static func shared(size: Int) throws -> RealFFT64 {
        guard size > 0 else { throw FeatureError.invalidConfig("FFT size must be positive, got \(size)") }
        FFTWPlanner.lock.lock()
        defer { FFTWPlanner.lock.unlock() }
        if let fft = cache[size] { return fft }
        let input = fftw_alloc_real(size)!
        let output = fftw_alloc_complex(size / 2 + 1)!
        defer { fftw_free(input); fftw_free(output) }
        guard let plan = fftw_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE)) else {
            throw FeatureError.fftPlanFailed(size: size)
        }
        let fft = RealFFT64(size: size, plan: plan)
        cache[size] = fft
        return fft
    }

    /// Per-caller buffers: `input` holds `size` reals, `output` holds `binCount` complex values.
    public final class Workspace {
        public let size: Int
        public let input: UnsafeMutablePointer<Double>
        public let output: UnsafeMutablePointer<fftw_complex>

        init(size: Int) {
            self.size = size
            input = fftw_alloc_real(size)!
            output = fftw_alloc_complex(size / 2 + 1)!
            input.initialize(repeating: 0, count: size)
        }

        deinit {
            fftw_free(input)
            fftw_free(output)
        }

        @inline(__always) public func real(_ k: Int) -> Double { output[k].0 }
        @inline(__always) public func imag(_ k: Int) -> Double { output[k].1 }
    }

    public func makeWorkspace() -> Workspace { Workspace(size: size) }

    /// Transforms `ws.input` (size reals) into `ws.output` (binCount complex), unnormalized.
    public func forward(_ ws: Workspace) {
        precondition(ws.size == size, "workspace of size \(ws.size) used with an FFT of size \(size)")
        fftw_execute_dft_r2c(plan, ws.input, ws.output)
    }
}
