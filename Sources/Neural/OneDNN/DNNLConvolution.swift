// One Conv1d or ConvTranspose1d layer run by oneDNN's convolution / deconvolution forward primitives
// (torch.nn.functional.conv1d / conv_transpose1d semantics, as Tensors' im2col + sgemm path computes them).
// Data type `.f32`: source and weights in float32 (the same numerics class as im2col + sgemm). `.bf16` (fast mode
// only, CPUs with AVX512_BF16): source and weights rounded to bfloat16 (the weights once, the source on every call
// by the input reorder), products accumulated in float32, bias and destination float32.
//
// Per input shape (batch, length, padding) one primitive is created with format `any` for source, weights and
// destination, so oneDNN picks its preferred (blocked) layouts; the caller's plain (B, C, L) tensors are reordered
// in and out on every call (counted in every timing), the weights once per layer and layout. Padding other than
// zeros is applied by Tensors before the call. Thread count: Tensors.threadCount (DNNLRuntime.setThreads).
import CDNNL
import CKernels
import Foundation
import Tensors

public final class DNNLConvolution: @unchecked Sendable {
    public enum Kind: String, Sendable { case convolution, deconvolution }

    /// The data type of the source and weights oneDNN computes with (accumulation and destination stay float32).
    public enum DataType: String, Sendable {
        case f32
        case bf16

        /// Whether this CPU runs oneDNN's bf16 convolutions natively (AVX512_BF16; elsewhere oneDNN would emulate
        /// or refuse them, so bf16 is only chosen where this holds).
        public var isNativelySupported: Bool {
            switch self {
            case .f32: return true
            case .bf16: return bv_has_avx512_bf16() != 0
            }
        }

        var dnnl: dnnl_data_type_t { self == .f32 ? dnnl_f32 : dnnl_bf16 }
    }

    public let kind: Kind
    public let dataType: DataType
    let weight: Tensor // conv (Cout, Cin/G, K); deconv (Cin, Cout/G, K)
    let bias: Tensor?  // (Cout)
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let groups: Int
    public let stride: Int
    public let dilation: Int

    /// A primitive for one input shape, with the reorders and staging buffers it needs.
    private final class Plan {
        let primitive: dnnl_primitive_t
        let primitiveDesc: dnnl_primitive_desc_t
        let implementation: String
        let srcMD: dnnl_memory_desc_t
        let dstMD: dnnl_memory_desc_t
        let userSrcMD: dnnl_memory_desc_t
        let userDstMD: dnnl_memory_desc_t
        let srcReorder: dnnl_primitive_t? // user → srcMD
        let dstReorder: dnnl_primitive_t? // dstMD → user
        let srcStage: dnnl_memory_t?
        let dstStage: dnnl_memory_t?
        let weights: dnnl_memory_t
        let outLength: Int

        init(primitive: dnnl_primitive_t, primitiveDesc: dnnl_primitive_desc_t, implementation: String,
             srcMD: dnnl_memory_desc_t, dstMD: dnnl_memory_desc_t, userSrcMD: dnnl_memory_desc_t,
             userDstMD: dnnl_memory_desc_t, srcReorder: dnnl_primitive_t?, dstReorder: dnnl_primitive_t?,
             srcStage: dnnl_memory_t?, dstStage: dnnl_memory_t?, weights: dnnl_memory_t, outLength: Int) {
            self.primitive = primitive
            self.primitiveDesc = primitiveDesc
            self.implementation = implementation
            self.srcMD = srcMD
            self.dstMD = dstMD
            self.userSrcMD = userSrcMD
            self.userDstMD = userDstMD
            self.srcReorder = srcReorder
            self.dstReorder = dstReorder
            self.srcStage = srcStage
            self.dstStage = dstStage
            self.weights = weights
            self.outLength = outLength
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_primitive_desc_destroy(primitiveDesc)
            if let r = srcReorder { dnnl_primitive_destroy(r) }
            if let r = dstReorder { dnnl_primitive_destroy(r) }
            if let m = srcStage { dnnl_memory_destroy(m) }
            if let m = dstStage { dnnl_memory_destroy(m) }
        }
    }

    private struct PlanKey: Hashable {
        let batch: Int, length: Int, padLeft: Int, padRight: Int
    }

    private let lock = NSLock()
    private var plans: [PlanKey: Plan] = [:]
    private static let maxPlans = 16
    /// The weights in each layout a primitive asked for, reordered once (usually one layout per layer).
    private let packedWeights = DNNLPackedWeights()
    private var stream: dnnl_stream_t?
    private var biasMemory: dnnl_memory_t?

    /// conv: weight (Cout, Cin/groups, K); deconv: weight (Cin, Cout/groups, K). bias (Cout) or nil.
    public init(kind: Kind, weight: Tensor, bias: Tensor?, groups: Int, stride: Int, dilation: Int,
                dataType: DataType = .f32) {
        precondition(weight.rank == 3 && groups >= 1 && stride >= 1 && dilation >= 1, "DNNLConvolution: bad weight \(weight.shape)")
        self.kind = kind
        self.dataType = dataType
        self.weight = weight
        self.bias = bias
        self.groups = groups
        self.stride = stride
        self.dilation = dilation
        kernelSize = weight.shape[2]
        switch kind {
        case .convolution:
            outChannels = weight.shape[0]
            inChannels = weight.shape[1] * groups
        case .deconvolution:
            inChannels = weight.shape[0]
            outChannels = weight.shape[1] * groups
        }
        if let b = bias { precondition(b.count == outChannels, "DNNLConvolution: bias \(b.shape) for \(outChannels) outputs") }
    }

    deinit {
        plans.removeAll()
        if let b = biasMemory { dnnl_memory_destroy(b) }
        if let s = stream { dnnl_stream_destroy(s) }
    }

    /// Multiply-adds × 2 for one call on `batch` × `length` input frames producing `outLength` frames.
    public func flops(batch: Int, length: Int, outLength: Int) -> Double {
        let cinG = inChannels / groups
        let frames = kind == .convolution ? outLength : length
        return 2 * Double(batch) * Double(outChannels) * Double(cinG) * Double(kernelSize) * Double(frames)
    }

    /// x (B, Cin, L) → (B, Cout, Lout). Convolution: zero padding `padLeft`/`padRight`; deconvolution: `padLeft` =
    /// torch's padding, `padRight` = padding − output_padding. `residual` (B, Cout, Lout) is added to the result.
    public func forward(_ x: Tensor, padLeft: Int, padRight: Int, residual: Tensor? = nil) throws -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == inChannels, "DNNLConvolution: input \(x.shape) for \(inChannels) channels")
        let (bsz, l) = (x.shape[0], x.shape[2])
        lock.lock()
        defer { lock.unlock() }
        DNNLRuntime.setThreads()
        // One item at a time through a batch-1 primitive: each item's result is then the same bytes whether it is
        // decoded alone or in a batch (oneDNN may block a larger minibatch differently).
        let plan = try self.plan(PlanKey(batch: 1, length: l, padLeft: padLeft, padRight: padRight))
        var out = Tensor(zeros: [bsz, outChannels, plan.outLength]) // (B, Cout, Lout)
        let engine = try DNNLRuntime.cpuEngine()
        let xp = UnsafeMutableRawPointer(mutating: x.pointer)
        try out.withUnsafeMutableBufferPointer { ob in
            for b in 0..<bsz {
                var userSrcMD = plan.userSrcMD, userDstMD = plan.userDstMD
                var userSrc: dnnl_memory_t?, userDst: dnnl_memory_t?
                let src = xp + b * inChannels * l * MemoryLayout<Float>.stride
                let dst = ob.baseAddress! + b * outChannels * plan.outLength
                try DNNLRuntime.check(dnnl_memory_create(&userSrc, &userSrcMD, engine, src), "dnnl_memory_create(src)")
                defer { dnnl_memory_destroy(userSrc) }
                try DNNLRuntime.check(dnnl_memory_create(&userDst, &userDstMD, engine, dst), "dnnl_memory_create(dst)")
                defer { dnnl_memory_destroy(userDst) }
                if let r = plan.srcReorder { try execute(r, [(bv_dnnl_arg_from, userSrc), (bv_dnnl_arg_to, plan.srcStage)]) }
                var args: [(Int32, dnnl_memory_t?)] = [(bv_dnnl_arg_src, plan.srcStage ?? userSrc),
                                                       (bv_dnnl_arg_weights, plan.weights),
                                                       (bv_dnnl_arg_dst, plan.dstStage ?? userDst)]
                if let bm = biasMemory { args.append((bv_dnnl_arg_bias, bm)) }
                try execute(plan.primitive, args)
                if let r = plan.dstReorder { try execute(r, [(bv_dnnl_arg_from, plan.dstStage), (bv_dnnl_arg_to, userDst)]) }
                try DNNLRuntime.check(dnnl_stream_wait(stream), "dnnl_stream_wait")
            }
        }
        if let r = residual {
            precondition(r.shape == out.shape, "DNNLConvolution: residual \(r.shape) does not match output \(out.shape)")
            out.add(r)
        }
        return out
    }

    /// oneDNN's name for the implementation it chose for this input shape ("jit:avx512_core", "gemm:jit", …).
    public func implementation(batch: Int, length: Int, padLeft: Int, padRight: Int) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        DNNLRuntime.setThreads()
        return try plan(PlanKey(batch: batch, length: length, padLeft: padLeft, padRight: padRight)).implementation
    }

    private func execute(_ primitive: dnnl_primitive_t, _ args: [(Int32, dnnl_memory_t?)]) throws {
        let list = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        try DNNLRuntime.check(dnnl_primitive_execute(primitive, stream, Int32(list.count), list), "dnnl_primitive_execute")
    }

    private static func plainMD(_ dims: [Int], tag: dnnl_format_tag_t, type: dnnl_data_type_t = dnnl_f32) throws
        -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map { Int64($0) }
        try DNNLRuntime.check(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, type, tag), "dnnl_memory_desc_init_by_tag")
        return md
    }

    /// The weights as the checkpoint stores them, in oneDNN's logical dims ((G,) OC, IC, K).
    private func userWeightsMD() throws -> dnnl_memory_desc_t {
        let g = groups, k = kernelSize
        let ocG = outChannels / g, icG = inChannels / g
        let dims: [Int], strides: [Int]
        switch (kind, g) {
        case (.convolution, 1): dims = [ocG, icG, k]; strides = [icG * k, k, 1]                // (Cout, Cin, K)
        case (.convolution, _): dims = [g, ocG, icG, k]; strides = [ocG * icG * k, icG * k, k, 1]
        case (.deconvolution, 1): dims = [ocG, icG, k]; strides = [k, ocG * k, 1]              // (Cin, Cout, K)
        case (.deconvolution, _): dims = [g, ocG, icG, k]; strides = [icG * ocG * k, k, ocG * k, 1]
        }
        var md = dnnl_memory_desc_t()
        let d = dims.map { Int64($0) }, s = strides.map { Int64($0) }
        try DNNLRuntime.check(dnnl_memory_desc_init_by_strides(&md, Int32(d.count), d, dnnl_f32, s), "dnnl_memory_desc_init_by_strides")
        return md
    }

    private func plan(_ key: PlanKey) throws -> Plan {
        if let p = plans[key] { return p }
        let engine = try DNNLRuntime.cpuEngine()
        let (bsz, l, k) = (key.batch, key.length, kernelSize)
        let outLength: Int
        switch kind {
        case .convolution: outLength = (l + key.padLeft + key.padRight - dilation * (k - 1) - 1) / stride + 1
        case .deconvolution: outLength = (l - 1) * stride - key.padLeft - key.padRight + dilation * (k - 1) + 1
        }
        precondition(outLength >= 1, "DNNLConvolution: output length \(outLength) for input length \(l)")
        var anySrc = try Self.plainMD([bsz, inChannels, l], tag: dnnl_format_tag_any, type: dataType.dnnl)
        var anyDst = try Self.plainMD([bsz, outChannels, outLength], tag: dnnl_format_tag_any)
        let g = groups
        let wDims = g == 1 ? [outChannels, inChannels, k] : [g, outChannels / g, inChannels / g, k]
        var anyW = try Self.plainMD(wDims, tag: dnnl_format_tag_any, type: dataType.dnnl)
        var biasMD = try Self.plainMD([outChannels], tag: dnnl_a)
        let strides: [Int64] = [Int64(stride)], dilates: [Int64] = [Int64(dilation - 1)]
        let padL: [Int64] = [Int64(key.padLeft)], padR: [Int64] = [Int64(key.padRight)]
        var pd: dnnl_primitive_desc_t?
        let hasBias = bias != nil
        try withUnsafePointer(to: biasMD) { bp in
            let biasArg: UnsafePointer<dnnl_memory_desc_t>? = hasBias ? bp : nil
            switch kind {
            case .convolution:
                var desc = dnnl_convolution_desc_t()
                try DNNLRuntime.check(dnnl_dilated_convolution_forward_desc_init(
                    &desc, dnnl_forward_inference, dnnl_convolution_direct, &anySrc, &anyW, biasArg, &anyDst,
                    strides, dilates, padL, padR), "dnnl_dilated_convolution_forward_desc_init")
                try DNNLRuntime.check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "dnnl_primitive_desc_create(convolution)")
            case .deconvolution:
                var desc = dnnl_deconvolution_desc_t()
                try DNNLRuntime.check(dnnl_dilated_deconvolution_forward_desc_init(
                    &desc, dnnl_forward_inference, dnnl_deconvolution_direct, &anySrc, &anyW, biasArg, &anyDst,
                    strides, dilates, padL, padR), "dnnl_dilated_deconvolution_forward_desc_init")
                try DNNLRuntime.check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "dnnl_primitive_desc_create(deconvolution)")
            }
        }
        guard let pd else { throw DNNLError.call("dnnl_primitive_desc_create", status: -1) }
        var prim: dnnl_primitive_t?
        try DNNLRuntime.check(dnnl_primitive_create(&prim, pd), "dnnl_primitive_create")
        var impl: UnsafePointer<CChar>?
        _ = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl)
        let srcMD = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0)!.pointee
        let dstMD = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0)!.pointee
        let wMD = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)!.pointee
        let userSrcMD = try Self.plainMD([bsz, inChannels, l], tag: dnnl_ncw)
        let userDstMD = try Self.plainMD([bsz, outChannels, outLength], tag: dnnl_ncw)

        func stage(_ md: dnnl_memory_desc_t) throws -> dnnl_memory_t {
            var md = md
            var m: dnnl_memory_t?
            try DNNLRuntime.check(dnnl_memory_create(&m, &md, engine, bv_dnnl_memory_allocate()), "dnnl_memory_create(stage)")
            return m!
        }
        func reorder(_ from: dnnl_memory_desc_t, _ to: dnnl_memory_desc_t) throws -> dnnl_primitive_t {
            var from = from, to = to
            var rpd: dnnl_primitive_desc_t?
            try DNNLRuntime.check(dnnl_reorder_primitive_desc_create(&rpd, &from, engine, &to, engine, nil), "dnnl_reorder_primitive_desc_create")
            defer { dnnl_primitive_desc_destroy(rpd) }
            var r: dnnl_primitive_t?
            try DNNLRuntime.check(dnnl_primitive_create(&r, rpd), "dnnl_primitive_create(reorder)")
            return r!
        }
        var srcM = srcMD, dstM = dstMD, uSrc = userSrcMD, uDst = userDstMD
        let srcSame = dnnl_memory_desc_equal(&srcM, &uSrc) != 0
        let dstSame = dnnl_memory_desc_equal(&dstM, &uDst) != 0

        if stream == nil {
            var s: dnnl_stream_t?
            try DNNLRuntime.check(dnnl_stream_create(&s, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
            stream = s
        }
        if let b = bias, biasMemory == nil {
            var m: dnnl_memory_t?
            try DNNLRuntime.check(dnnl_memory_create(&m, &biasMD, engine, UnsafeMutableRawPointer(mutating: b.pointer)),
                                  "dnnl_memory_create(bias)")
            biasMemory = m
        }
        let weights = try packed(wMD, engine: engine)
        let plan = Plan(primitive: prim!, primitiveDesc: pd, implementation: impl.map { String(cString: $0) } ?? "?",
                        srcMD: srcMD, dstMD: dstMD, userSrcMD: userSrcMD, userDstMD: userDstMD,
                        srcReorder: srcSame ? nil : try reorder(userSrcMD, srcMD),
                        dstReorder: dstSame ? nil : try reorder(dstMD, userDstMD),
                        srcStage: srcSame ? nil : try stage(srcMD), dstStage: dstSame ? nil : try stage(dstMD),
                        weights: weights, outLength: outLength)
        // One plan (primitive and staging buffers) per input length: a long render meets a new length per segment,
        // so the cache is bounded (dropping plans only; the packed weights are kept).
        if plans.count >= Self.maxPlans { plans.removeAll() }
        plans[key] = plan
        return plan
    }

    /// The weights in layout `md`: reordered from the checkpoint's layout the first time a primitive asks for it.
    private func packed(_ md: dnnl_memory_desc_t, engine: dnnl_engine_t) throws -> dnnl_memory_t {
        try packedWeights.memory(md, from: weight.pointer, user: { try userWeightsMD() }, engine: engine, stream: stream)
    }
}
