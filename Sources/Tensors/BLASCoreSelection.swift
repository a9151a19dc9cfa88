// Which OpenBLAS kernel set is running (reported by `bookvox bench`). OpenBLAS picks it when the
// library loads, from the CPU or from the OPENBLAS_CORETYPE environment variable; on this project's
// Zen 5 machines it detects "Cooperlake" (AVX-512), while OPENBLAS_CORETYPE=Haswell (AVX2) makes
// BigVGAN's convolutions ≈ 1.9× slower — the bench prints the kernel set so figures are comparable.
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
}
