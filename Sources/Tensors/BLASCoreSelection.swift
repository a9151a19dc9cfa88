// Which OpenBLAS kernel set is running (reported by `bookvox bench`). OpenBLAS picks it when the
// library loads, from the CPU or from the OPENBLAS_CORETYPE environment variable; on this project's
// Zen 5 machines it detects "Cooperlake" (AVX-512), while OPENBLAS_CORETYPE=Haswell (AVX2) makes
// BigVGAN's convolutions ≈ 1.9× slower — the bench prints the kernel set so figures are comparable.
import CKernels
import Foundation
#if canImport(COpenBLAS)
import COpenBLAS
#endif

public enum BLASCoreSelection {
    /// The kernel set OpenBLAS is running ("Haswell", "Cooperlake", …), or nil when not OpenBLAS.
    public static var currentCore: String? {
        #if canImport(COpenBLAS)
        guard let name = openblas_get_corename() else { return nil }
        return String(cString: name)
        #else
        return nil
        #endif
    }

    /// OpenBLAS's generic kernel sets: what it falls back to on a CPU it does not recognise.
    static let genericCores: Set<String> = ["Prescott", "Core2", "Nehalem", "Katmai", "Coppermine", "Northwood", "Banias"]

    /// The kernel set to ask OpenBLAS for instead of the one it chose, or nil to keep it. OpenBLAS 0.3.21 (Debian
    /// 12) does not know CPUs newer than itself — e.g. Intel family 6 model 207 — and falls back to its generic
    /// SSE3 "Prescott" kernels, 2–3× slower at GEMM. When it did so on a CPU with AVX-512 (F, DQ, BW, VL) this
    /// is "SkylakeX", with AVX2 and FMA "Haswell". Nil when the user set OPENBLAS_CORETYPE.
    public static var betterCoreForThisCPU: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, let core = currentCore,
              genericCores.contains(core) else { return nil }
        if bv_has_avx512f() != 0, bv_has_avx512bw_vl() != 0 { return "SkylakeX" }
        if bv_has_avx2_fma() != 0 { return "Haswell" }
        return nil
    }
}
