// Real-to-complex FFT through FFTW (single precision). Plans are created once per size and
// cached for the process lifetime; FFTW's planner is not thread-safe, so every planner call
// goes through `FFTWPlanner.lock`. Executing a plan on separate buffers (new-array execute)
// is thread-safe, so each caller owns a `RealFFT.Workspace`.
// FFTW_ESTIMATE keeps the chosen algorithm (and therefore the rounding) identical run to run.
import CFFTW
import Foundation

public enum FFTWPlanner {
    /// Guards every FFTW planner call in the process (plan creation and destruction).
    public static let lock = NSLock()
}

public final class RealFFT: @unchecked Sendable {
    public let size: Int
    /// Number of onesided bins, size/2 + 1.
    public var binCount: Int { size / 2 + 1 }
    private let plan: fftwf_plan

    private static var cache: [Int: RealFFT] = [:]

    private init(size: Int, plan: fftwf_plan) {
        self.size = size
        self.plan = plan
    }

    /// The shared forward plan for `size` real samples, created on first use.
    public static func shared(size: Int) throws -> RealFFT {
        guard size > 0 else { throw FeatureError.invalidConfig("FFT size must be positive, got \(size)") }
        FFTWPlanner.lock.lock()
        defer { FFTWPlanner.lock.unlock() }
        if let fft = cache[size] { return fft }
        // Plan on fftwf_malloc'd buffers: workspaces use the same allocator, so alignment matches.
        let input = fftwf_alloc_real(size)!
        let output = fftwf_alloc_complex(size / 2 + 1)!
        defer { fftwf_free(input); fftwf_free(output) }
        guard let plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE)) else {
            throw FeatureError.fftPlanFailed(size: size)
        }
        let fft = RealFFT(size: size, plan: plan)
        cache[size] = fft
        return fft
    }

    /// Per-caller buffers: `input` holds `size` reals, `output` holds `binCount` complex values.
    public final class Workspace {
        public let size: Int
        public let input: UnsafeMutablePointer<Float>
        public let output: UnsafeMutablePointer<fftwf_complex>

        init(size: Int) {
            self.size = size
            input = fftwf_alloc_real(size)!
            output = fftwf_alloc_complex(size / 2 + 1)!
            input.initialize(repeating: 0, count: size)
        }

        deinit {
            fftwf_free(input)
            fftwf_free(output)
        }

        /// Real part of bin k after `forward`.
        @inline(__always) public func real(_ k: Int) -> Float { output[k].0 }
        /// Imaginary part of bin k after `forward`.
        @inline(__always) public func imag(_ k: Int) -> Float { output[k].1 }
    }

    public func makeWorkspace() -> Workspace { Workspace(size: size) }

    /// Transforms `ws.input` (size reals) into `ws.output` (binCount complex), unnormalized.
    public func forward(_ ws: Workspace) {
        precondition(ws.size == size, "workspace of size \(ws.size) used with an FFT of size \(size)")
        fftwf_execute_dft_r2c(plan, ws.input, ws.output)
    }
}
