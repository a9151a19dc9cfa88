// The process's oneDNN CPU engine and its thread count. Debian's libdnnl runs on OpenMP; oneDNN sizes its
// kernels from omp_get_max_threads() when a primitive is created and runs them on that many threads, so
// `setThreads()` sets the calling thread's OpenMP thread count to `Tensors.threadCount` (the one knob for all of
// bookvox's CPU parallelism) before every primitive creation and execution.
import CDNNL
import Foundation
import Tensors

public enum DNNLError: Error, CustomStringConvertible {
    /// A oneDNN call returned a status other than success.
    case call(String, status: Int)

    public var description: String {
        switch self {
        case let .call(name, status):
            return "oneDNN \(name) failed with status \(status) (libdnnl \(DNNLRuntime.version)); "
                + "the convolution cannot run through oneDNN. Check that libdnnl (Debian libdnnl-dev) is installed."
        }
    }
}

public enum DNNLRuntime {
    /// Throws DNNLError.call unless `status` is success.
    @inline(__always)
    static func check(_ status: dnnl_status_t, _ name: String) throws {
        guard status == dnnl_success else { throw DNNLError.call(name, status: Int(status.rawValue)) }
    }

    /// The CPU engine (created once; oneDNN engines are thread-safe).
    static let engine: dnnl_engine_t? = {
        var e: dnnl_engine_t?
        return dnnl_engine_create(&e, dnnl_cpu, 0) == dnnl_success ? e : nil
    }()

    /// A new memory in layout `want` holding the float32 tensor at `pointer` (laid out as `user`), converted by a
    /// reorder primitive (rounding to bf16 when `want` is bf16); the caller owns it. Weights are packed this way once.
    static func reordered(_ pointer: UnsafePointer<Float>, user: dnnl_memory_desc_t, to want: dnnl_memory_desc_t,
                          engine: dnnl_engine_t, stream: dnnl_stream_t?) throws -> dnnl_memory_t {
        var userMD = user, wantMD = want
        var source: dnnl_memory_t?
        try check(dnnl_memory_create(&source, &userMD, engine, UnsafeMutableRawPointer(mutating: pointer)), "dnnl_memory_create(weights)")
        defer { dnnl_memory_destroy(source) }
        var dst: dnnl_memory_t?
        try check(dnnl_memory_create(&dst, &wantMD, engine, bv_dnnl_memory_allocate()), "dnnl_memory_create(packed weights)")
        var rpd: dnnl_primitive_desc_t?
        try check(dnnl_reorder_primitive_desc_create(&rpd, &userMD, engine, &wantMD, engine, nil), "dnnl_reorder_primitive_desc_create(weights)")
        defer { dnnl_primitive_desc_destroy(rpd) }
        var r: dnnl_primitive_t?
        try check(dnnl_primitive_create(&r, rpd), "dnnl_primitive_create(weights reorder)")
        defer { dnnl_primitive_destroy(r) }
        let args = [dnnl_exec_arg_t(arg: bv_dnnl_arg_from, memory: source), dnnl_exec_arg_t(arg: bv_dnnl_arg_to, memory: dst)]
        try check(dnnl_primitive_execute(r, stream, 2, args), "dnnl_primitive_execute(weights reorder)")
        try check(dnnl_stream_wait(stream), "dnnl_stream_wait")
        return dst!
    }

    /// The engine, or an error naming why there is none.
    static func cpuEngine() throws -> dnnl_engine_t {
        guard let e = engine else { throw DNNLError.call("dnnl_engine_create(cpu)", status: -1) }
        return e
    }

    /// "2.6.3 (omp)" — the library's version and threading runtime.
    public static var version: String {
        guard let v = dnnl_version() else { return "unknown" }
        let r = v.pointee.cpu_runtime == UInt32(DNNL_RUNTIME_OMP) ? "omp" : "runtime \(v.pointee.cpu_runtime)"
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch) (\(r))"
    }

    /// The instruction set oneDNN dispatches to on this CPU ("avx512_core_bf16", …).
    public static var instructionSet: String {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_sse41: return "sse41"
        case dnnl_cpu_isa_avx: return "avx"
        case dnnl_cpu_isa_avx2: return "avx2"
        case dnnl_cpu_isa_avx512_core: return "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx"
        case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni"
        default: return "isa \(dnnl_get_effective_cpu_isa().rawValue)"
        }
    }

    /// OpenMP's omp_set_num_threads, found in the libgomp that libdnnl loads (bookvox does not link OpenMP itself).
    private static let ompSetNumThreads: (@convention(c) (Int32) -> Void)? = {
        guard let sym = dlsym(dlopen(nil, RTLD_NOW), "omp_set_num_threads") else { return nil } // the global scope
        return unsafeBitCast(sym, to: (@convention(c) (Int32) -> Void).self)
    }()

    /// Sets the calling thread's OpenMP team size to `Tensors.threadCount`.
    static func setThreads() {
        ompSetNumThreads?(Int32(Tensors.threadCount))
    }
}

/// A layer's weights packed into the layouts its primitives ask for, each converted once from the float32 checkpoint
/// tensor (DNNLRuntime.reordered) and freed with the layer. Used under the owning layer's lock.
final class DNNLPackedWeights: @unchecked Sendable {
    private var packed: [(md: dnnl_memory_desc_t, memory: dnnl_memory_t)] = []

    deinit { for w in packed { dnnl_memory_destroy(w.memory) } }

    /// The weights in layout `md`; `user` describes how the tensor at `pointer` is laid out.
    func memory(_ md: dnnl_memory_desc_t, from pointer: UnsafePointer<Float>, user: () throws -> dnnl_memory_desc_t,
                engine: dnnl_engine_t, stream: dnnl_stream_t?) throws -> dnnl_memory_t {
        var want = md
        for w in packed {
            var have = w.md
            if dnnl_memory_desc_equal(&have, &want) != 0 { return w.memory }
        }
        let dst = try DNNLRuntime.reordered(pointer, user: try user(), to: want, engine: engine, stream: stream)
        packed.append((want, dst))
        return dst
    }
}
