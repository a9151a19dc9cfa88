// The kernels of `--precision fast`: weight-only int8 (per-row symmetric scales) or bf16 matrices multiplied
// into fp32 activations by CKernels' batch-invariant row dot products (rowdot_q8.c, rowdot_bf16.c). Which
// kernels this CPU can run is read from CPUID at run time; callers pick per stage (see docs/precision.md).
import CKernels
import Foundation

public enum ReducedKernel: String, CaseIterable, Sendable, Codable {
    /// int8 weights and per-row int8 activations (scale max|x| / 127), exact int32 sums with AVX-512 VNNI vpdpbusd.
    case int8VNNI = "int8-vnni"
    /// int8 weights widened to fp32 in registers, fp32 activations, 16-lane AVX-512 FMA.
    case int8AVX512 = "int8-avx512"
    /// The same with 8-lane AVX2 FMA.
    case int8AVX2 = "int8-avx2"
    /// The same as one scalar multiply-then-add chain per output (any CPU; unvectorized, for CPUs without AVX2).
    case int8Portable = "int8-portable"
    /// bf16 weights and bf16-rounded activations, AVX-512 BF16 vdpbf16ps.
    case bf16DP = "bf16-dpbf16"
    /// bf16 weights widened to fp32 in registers, fp32 activations, 16-lane AVX-512 FMA.
    case bf16AVX512 = "bf16-avx512"

    public enum Storage: Sendable { case int8, bf16 }

    public var storage: Storage {
        switch self {
        case .int8VNNI, .int8AVX512, .int8AVX2, .int8Portable: return .int8
        case .bf16DP, .bf16AVX512: return .bf16
        }
    }

    /// Whether this CPU runs the kernel.
    public var isSupported: Bool {
        switch self {
        case .int8VNNI: return bv_has_avx512_vnni() != 0
        case .int8AVX512, .bf16AVX512: return bv_has_avx512f() != 0 && bv_has_avx512bw_vl() != 0
        case .int8AVX2: return bv_has_avx2_fma() != 0
        case .int8Portable: return true
        case .bf16DP: return bv_has_avx512_bf16() != 0
        }
    }

    /// The fastest supported int8 kernel: VNNI, else AVX-512 dequant, else AVX2, else portable.
    public static var bestInt8: ReducedKernel {
        [.int8VNNI, .int8AVX512, .int8AVX2].first { $0.isSupported } ?? .int8Portable
    }

    /// The CPU features the fast kernels look for, as "name=yes/no" pairs (bench reports).
    public static var cpuFeatures: String {
        let flags: [(String, Int32)] = [("avx2+fma", bv_has_avx2_fma()), ("avx512f", bv_has_avx512f()),
                                         ("avx512bw+vl", bv_has_avx512bw_vl()), ("avx512_vnni", bv_has_avx512_vnni()),
                                         ("avx512_bf16", bv_has_avx512_bf16())]
        return flags.map { "\($0.0)=\($0.1 != 0 ? "yes" : "no")" }.joined(separator: " ")
    }
}
