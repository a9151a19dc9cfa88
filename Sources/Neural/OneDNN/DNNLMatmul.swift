// One torch.nn.Linear-shaped product (y = x Wᵀ (+ b) (+ y)) run by oneDNN's matmul primitive, in bf16 (source and
// weights rounded to bfloat16, products summed in float32, float32 output) or in float32.
//
// The weight (N, K) is reordered once per layout oneDNN asks for (format `any`: its blocked, VNNI-paired bf16
// layout); one primitive is created per call shape (rows, leading dimensions, accumulate) and cached. The
// caller's rows are float32 with a row stride: bf16 sources are rounded here (round to nearest even, as oneDNN's
// own f32 → bf16 reorder does) into a staging buffer the caller may reuse across several products
// (`roundToBF16`), so one rounding serves e.g. every tap of a convolution. Threads: Tensors.threadCount
// (DNNLRuntime.setThreads). oneDNN's result for a row depends only on the call shape and the thread count, so
// callers that need batch == alone run each batch item as its own call.
import CDNNL
import Foundation
import Tensors

public final class DNNLMatmul: @unchecked Sendable {
    public enum Precision: String, Sendable {
        /// bf16 source and weights, float32 accumulation and output (needs AVX512_BF16 to be fast).
        case bf16
        /// float32 throughout (oneDNN's own f32 GEMM).
        case f32
    }

    public let precision: Precision
    public let inFeatures: Int  // K
    public let outFeatures: Int // N
    let weight: Tensor          // (N, K), float32 as the checkpoint stores it
    let bias: Tensor?           // (N)

    private final class Plan {
        let primitive: dnnl_primitive_t
        let primitiveDesc: dnnl_primitive_desc_t
        let implementation: String
        let srcMD: dnnl_memory_desc_t
        let dstMD: dnnl_memory_desc_t
        let weights: dnnl_memory_t

        init(primitive: dnnl_primitive_t, primitiveDesc: dnnl_primitive_desc_t, implementation: String,
             srcMD: dnnl_memory_desc_t, dstMD: dnnl_memory_desc_t, weights: dnnl_memory_t) {
            self.primitive = primitive
            self.primitiveDesc = primitiveDesc
            self.implementation = implementation
            self.srcMD = srcMD
            self.dstMD = dstMD
            self.weights = weights
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_primitive_desc_destroy(primitiveDesc)
        }
    }

    private struct PlanKey: Hashable {
        let rows: Int, lda: Int, ldc: Int, accumulate: Bool
    }

    private let lock = NSLock()
    private var plans: [PlanKey: Plan] = [:]
    private static let maxPlans = 16
    private let packedWeights = DNNLPackedWeights()
    private var stream: dnnl_stream_t?
    private var biasMemory: dnnl_memory_t?

    /// weight (N, K) as torch.nn.Linear stores it; bias (N) or nil.
    public init(weight: Tensor, bias: Tensor?, precision: Precision) {
        precondition(weight.rank == 2, "DNNLMatmul: weight \(weight.shape) is not (N, K)")
        self.weight = weight
        self.bias = bias
        self.precision = precision
        outFeatures = weight.shape[0]
        inFeatures = weight.shape[1]
        if let b = bias { precondition(b.count == outFeatures, "DNNLMatmul: bias \(b.shape) for \(outFeatures) outputs") }
    }

    deinit {
        plans.removeAll()
        if let b = biasMemory { dnnl_memory_destroy(b) }
        if let s = stream { dnnl_stream_destroy(s) }
    }

    /// Whether this CPU has the bf16 dot-product instructions (AVX512_BF16) oneDNN's fast bf16 kernels use.
    public static var hasNativeBF16: Bool {
        let isa = dnnl_get_effective_cpu_isa()
        return isa == dnnl_cpu_isa_avx512_core_bf16 || isa == dnnl_cpu_isa_avx512_core_amx
    }

    /// float32 → bfloat16 bits, round to nearest even (NaN stays NaN).
    @inline(__always)
    public static func bf16(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: u >> 16) | 0x40 }
        return UInt16(truncatingIfNeeded: (u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
    }

    /// Rounds `count` floats to bf16 into `dst` (rows split over the worker threads; each value alone, so the result
    /// does not depend on the split).
    public static func roundToBF16(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        let chunk = 1 << 14
        Tensors.parallelFor((count + chunk - 1) / chunk) { r in
            for c in r {
                let lo = c * chunk, hi = Swift.min(count, lo + chunk)
                for i in lo..<hi { dst[i] = bf16(src[i]) }
            }
        }
    }

    /// y (rows, N; row stride ldc) = x (rows, K; row stride lda) · Wᵀ (+ bias) (+ y when `accumulate`).
    /// x is float32 for `.f32`, bf16 bits (`roundToBF16`) for `.bf16`.
    public func run(_ x: UnsafeRawPointer, rows: Int, lda: Int, into y: UnsafeMutablePointer<Float>, ldc: Int,
                    accumulate: Bool = false) throws {
        precondition(lda >= inFeatures && ldc >= outFeatures && rows >= 1, "DNNLMatmul: bad call shape")
        lock.lock()
        defer { lock.unlock() }
        DNNLRuntime.setThreads()
        let plan = try self.plan(PlanKey(rows: rows, lda: lda, ldc: ldc, accumulate: accumulate))
        let engine = try DNNLRuntime.cpuEngine()
        var srcMD = plan.srcMD, dstMD = plan.dstMD
        var src: dnnl_memory_t?, dst: dnnl_memory_t?
        try DNNLRuntime.check(dnnl_memory_create(&src, &srcMD, engine, UnsafeMutableRawPointer(mutating: x)), "dnnl_memory_create(src)")
        defer { dnnl_memory_destroy(src) }
        try DNNLRuntime.check(dnnl_memory_create(&dst, &dstMD, engine, UnsafeMutableRawPointer(y)), "dnnl_memory_create(dst)")
        defer { dnnl_memory_destroy(dst) }
        var args: [(Int32, dnnl_memory_t?)] = [(bv_dnnl_arg_src, src), (bv_dnnl_arg_weights, plan.weights), (bv_dnnl_arg_dst, dst)]
        if let bm = biasMemory { args.append((bv_dnnl_arg_bias, bm)) }
        let list = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        try DNNLRuntime.check(dnnl_primitive_execute(plan.primitive, stream, Int32(list.count), list), "dnnl_primitive_execute(matmul)")
        try DNNLRuntime.check(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    /// x (…, K) float32 → (…, N): every leading index but the first flattened into rows; each index of the first
    /// axis (the batch) runs as its own call, so an item's rows get the same bytes alone or in a batch.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        precondition(x.shape[x.rank - 1] == inFeatures, "DNNLMatmul: input \(x.shape) for \(inFeatures) features")
        let bsz = x.rank >= 3 ? x.shape[0] : 1
        let rows = x.count / inFeatures / bsz
        var out = Tensor(zeros: Array(x.shape.dropLast()) + [outFeatures])
        let k = inFeatures, n = outFeatures
        try out.withUnsafeMutableBufferPointer { ob in
            switch precision {
            case .f32:
                for b in 0..<bsz {
                    try run(x.pointer + b * rows * k, rows: rows, lda: k, into: ob.baseAddress! + b * rows * n, ldc: n)
                }
            case .bf16:
                let stage = UnsafeMutablePointer<UInt16>.allocate(capacity: rows * k)
                defer { stage.deallocate() }
                for b in 0..<bsz {
                    Self.roundToBF16(x.pointer + b * rows * k, stage, count: rows * k)
                    try run(stage, rows: rows, lda: k, into: ob.baseAddress! + b * rows * n, ldc: n)
                }
            }
        }
        return out
    }

    /// oneDNN's name for the implementation it runs for this call shape ("brg:avx512_core_bf16", …).
    public func implementation(rows: Int) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        DNNLRuntime.setThreads()
        return try plan(PlanKey(rows: rows, lda: inFeatures, ldc: outFeatures, accumulate: false)).implementation
    }

    private var dataType: dnnl_data_type_t { precision == .bf16 ? dnnl_bf16 : dnnl_f32 }

    private static func md(_ dims: [Int], strides: [Int], _ type: dnnl_data_type_t) throws -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map { Int64($0) }, s = strides.map { Int64($0) }
        try DNNLRuntime.check(dnnl_memory_desc_init_by_strides(&md, Int32(d.count), d, type, s), "dnnl_memory_desc_init_by_strides")
        return md
    }

    private func plan(_ key: PlanKey) throws -> Plan {
        if let p = plans[key] { return p }
        let engine = try DNNLRuntime.cpuEngine()
        let (m, k, n) = (key.rows, inFeatures, outFeatures)
        var srcMD = try Self.md([m, k], strides: [key.lda, 1], dataType)
        var dstMD = try Self.md([m, n], strides: [key.ldc, 1], dnnl_f32)
        var anyW = dnnl_memory_desc_t()
        let wDims: [Int64] = [Int64(k), Int64(n)]
        try DNNLRuntime.check(dnnl_memory_desc_init_by_tag(&anyW, 2, wDims, dataType, dnnl_format_tag_any), "dnnl_memory_desc_init_by_tag(weights)")
        var biasMD = try Self.md([1, n], strides: [n, 1], dnnl_f32)
        var desc = dnnl_matmul_desc_t()
        try withUnsafePointer(to: &biasMD) { bp in
            try DNNLRuntime.check(dnnl_matmul_desc_init(&desc, &srcMD, &anyW, bias == nil ? nil : bp, &dstMD), "dnnl_matmul_desc_init")
        }
        var attr: dnnl_primitive_attr_t?
        try DNNLRuntime.check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attr) }
        if key.accumulate {
            var ops: dnnl_post_ops_t?
            try DNNLRuntime.check(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
            defer { dnnl_post_ops_destroy(ops) }
            try DNNLRuntime.check(dnnl_post_ops_append_sum(ops, 1), "dnnl_post_ops_append_sum")
            try DNNLRuntime.check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops")
        }
        var pd: dnnl_primitive_desc_t?
        try DNNLRuntime.check(dnnl_primitive_desc_create(&pd, &desc, attr, engine, nil), "dnnl_primitive_desc_create(matmul)")
        guard let pd else { throw DNNLError.call("dnnl_primitive_desc_create(matmul)", status: -1) }
        var prim: dnnl_primitive_t?
        try DNNLRuntime.check(dnnl_primitive_create(&prim, pd), "dnnl_primitive_create(matmul)")
        var impl: UnsafePointer<CChar>?
        _ = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl)
        let wMD = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)!.pointee
        if stream == nil {
            var s: dnnl_stream_t?
            try DNNLRuntime.check(dnnl_stream_create(&s, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
            stream = s
        }
        if let b = bias, biasMemory == nil {
            var mem: dnnl_memory_t?
            try DNNLRuntime.check(dnnl_memory_create(&mem, &biasMD, engine, UnsafeMutableRawPointer(mutating: b.pointer)),
                                  "dnnl_memory_create(bias)")
            biasMemory = mem
        }
        let plan = Plan(primitive: prim!, primitiveDesc: pd, implementation: impl.map { String(cString: $0) } ?? "?",
                        srcMD: srcMD, dstMD: dstMD, weights: try packed(wMD, engine: engine))
        // One primitive per call shape: a long render meets a new row count per segment, so the cache is bounded
        // (dropping primitives only; the packed weights are kept).
        if plans.count >= Self.maxPlans { plans.removeAll() }
        plans[key] = plan
        return plan
    }

    /// The weights in layout `md`, converted (and rounded to bf16) from the float32 checkpoint layout the first time
    /// a primitive asks for it.
    private func packed(_ md: dnnl_memory_desc_t, engine: dnnl_engine_t) throws -> dnnl_memory_t {
        // Wᵀ as (K, N) over the (N, K) row-major checkpoint tensor: strides (1, K).
        try packedWeights.memory(md, from: weight.pointer, user: { try Self.md([inFeatures, outFeatures], strides: [1, inFeatures], dnnl_f32) },
                                 engine: engine, stream: stream)
    }
}
