// What `bookvox bench` prints about the machine: the CPU features the kernels dispatch on, the OpenBLAS kernel set,
// oneDNN's version and instruction set, and the thread count — so figures from different machines can be compared.
import CKernels
import Tensors

public enum MachineDescription {
    /// The CPU features bookvox's kernels check at run time ("avx2+fma avx512f avx512bw/vl avx512_vnni avx512_bf16").
    public static var cpuFeatures: String {
        var f: [String] = []
        if bv_has_avx2_fma() != 0 { f.append("avx2+fma") }
        if bv_has_avx512f() != 0 { f.append("avx512f") }
        if bv_has_avx512bw_vl() != 0 { f.append("avx512bw/vl") }
        if bv_has_avx512_vnni() != 0 { f.append("avx512_vnni") }
        if bv_has_avx512_bf16() != 0 { f.append("avx512_bf16") }
        return f.isEmpty ? "none of avx2/avx512" : f.joined(separator: " ")
    }

    /// One line: CPU features, threads, OpenBLAS kernels, oneDNN version and ISA.
    public static var line: String {
        "CPU \(cpuFeatures); \(Tensors.threadCount) threads; \(BenchMachine.blasDescription); "
            + "oneDNN \(DNNLRuntime.version), ISA \(DNNLRuntime.instructionSet)"
    }
}
