// BigVGAN alias_free_activation/torch/act.py Activation1d: UpSample1d(ratio) → activation
// (SnakeBeta) → DownSample1d(ratio), the `use_cuda_kernel=False` path.
//
// The three steps are fused per channel and per block of output samples: the upsampled
// signal is produced directly in its `ratio` polyphase components (all loops unit
// stride), the activation runs on those buffers while they are in cache, and the
// low-pass/decimate step reads them back. Replicate padding at both ends is reproduced
// exactly (index clamping in the input and in the upsampled domain). Work is split over
// (channel, block) pairs; each output sample is computed by one worker, so results do
// not depend on the thread count. `reference(_:)` runs the unfused torch-order path.
import Tensors

public struct Activation1d: Sendable {
    public let up: UpSample1d
    public let down: DownSample1d
    public let act: SnakeBeta

    public init(up: UpSample1d, down: DownSample1d, act: SnakeBeta) {
        precondition(up.ratio == down.ratio, "Activation1d: up ratio \(up.ratio) != down ratio \(down.ratio)")
        precondition(up.kernelSize % up.ratio == 0, "Activation1d: up kernel \(up.kernelSize) not a multiple of ratio \(up.ratio)")
        self.up = up
        self.down = down
        self.act = act
    }

    /// Loads `act.{alpha,beta}`, `upsample.filter`, `downsample.lowpass.filter` (BigVGAN key layout).
    public init(_ scope: WeightScope, channels: Int, logScale: Bool, ratio: Int = 2, kernelSize: Int = 12) throws {
        self.init(up: try UpSample1d(scope.scope("upsample"), ratio: ratio, kernelSize: kernelSize),
                  down: try DownSample1d(scope.scope("downsample"), ratio: ratio, kernelSize: kernelSize),
                  act: try SnakeBeta(scope.scope("act"), channels: channels, logScale: logScale))
    }

    /// Unfused path in torch's order (UpSample1d, SnakeBeta, DownSample1d), for checks.
    public func reference(_ x: Tensor) -> Tensor { down(act(up(x))) }

    /// x (B, C, T) → (B, C, T)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == act.channels, "Activation1d over \(act.channels) channels got \(x.shape)")
        let plan = Plan(up: up, down: down, length: x.shape[2])
        let (b, c, l) = (x.shape[0], x.shape[1], x.shape[2])
        let lout = plan.outLength
        var out = Tensor(zeros: [b, c, lout]) // (B, C, Lout)
        let blocks = (lout + Plan.block - 1) / Plan.block
        let src = x.pointer
        let act = self.act
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(b * c * blocks) { tasks in
                let scratch = plan.makeScratch()
                defer { scratch.deallocate() }
                for task in tasks {
                    let row = task / blocks, blk = task % blocks
                    let ch = row % c
                    let i0 = blk * Plan.block, i1 = Swift.min(lout, i0 + Plan.block)
                    plan.run(x: src + row * l, out: o + row * lout, i0: i0, i1: i1, scratch: scratch,
                             alpha: act.alpha[ch], invBeta: act.invBeta[ch])
                }
            }
        }
        return out
    }
}

/// Index bookkeeping for the fused up → snake → down kernel on one channel.
struct Activation1dPlan {
    static let block = 2048
    let ratio: Int
    let length: Int         // input length L
    let upLength: Int       // ratio · L
    let outLength: Int
    let upTaps: [[Float]]   // per phase p: ratio · filter[kphase + ratio·r], r = 0…
    let upOffset: [Int]     // per phase p: x index of tap r is i + upOffset[p] − r
    let downTaps: [Float]   // filter[k]
    let downPhase: [Int]    // z index R·i + k − padLeft = R·(i + downShift[k]) + downPhase[k]
    let downShift: [Int]
    let downPadLeft: Int
    let maxTaps: Int

    init(up: UpSample1d, down: DownSample1d, length: Int) {
        let r = up.ratio
        ratio = r
        self.length = length
        upLength = r * length
        outLength = (upLength + down.padLeft + down.padRight - down.kernelSize) / r + 1
        var taps: [[Float]] = [], offs: [Int] = []
        for p in 0..<r {
            let kphase = (p + up.padLeft) % r
            var t: [Float] = []
            var k = kphase
            while k < up.kernelSize { t.append(Float(r) * up.filter[k]); k += r }
            taps.append(t)
            offs.append((p + up.padLeft - kphase) / r - up.pad)
        }
        upTaps = taps
        upOffset = offs
        maxTaps = taps.map(\.count).max() ?? 0
        downTaps = down.filter
        downPadLeft = down.padLeft
        downPhase = (0..<down.kernelSize).map { k in ((k - down.padLeft) % r + r) % r }
        downShift = (0..<down.kernelSize).map { k in Int((Double(k - down.padLeft) / Double(r)).rounded(.down)) }
    }

    /// Per-worker scratch: `ratio` phase buffers plus one accumulator row.
    var scratchStride: Int { Self.block + downTaps.count + 4 }
    func makeScratch() -> UnsafeMutablePointer<Float> {
        UnsafeMutablePointer<Float>.allocate(capacity: (ratio + 1) * scratchStride)
    }

    @inline(__always) func clampX(_ i: Int) -> Int { i < 0 ? 0 : (i >= length ? length - 1 : i) }

    /// Computes out[i0..<i1] for one channel.
    func run(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, i0: Int, i1: Int,
             scratch: UnsafeMutablePointer<Float>, alpha: Float, invBeta: Float) {
        let r = ratio
        // Phase-index range of the upsampled samples this block reads.
        let zLo = Swift.max(0, r * i0 - downPadLeft)
        let zHi = Swift.min(upLength - 1, r * (i1 - 1) + downTaps.count - 1 - downPadLeft)
        let jLo = zLo / r, jHi = zHi / r
        let nj = jHi - jLo + 1
        // 1) upsample into polyphase buffers, 2) activation in place.
        for p in 0..<r {
            let buf = scratch + p * scratchStride
            buf.update(repeating: 0, count: nj)
            let taps = upTaps[p], off = upOffset[p]
            let nt = taps.count
            // interior j: every tap index j + off − t lies in 0..<L
            let a = Swift.min(Swift.max(jLo, nt - 1 - off), jHi + 1)
            let b = Swift.max(Swift.min(jHi + 1, length - off), a)
            for j in jLo..<a { buf[j - jLo] = upSample(x, j, taps, off) }
            if b > a {
                withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: nt) { sources in
                    for t in 0..<nt { sources[t] = x + (off - t + a) }
                    taps.withUnsafeBufferPointer { tp in
                        VectorMath.weightedSum(sources.baseAddress!, tp.baseAddress!, nt, buf + (a - jLo), b - a)
                    }
                }
            }
            if b <= jHi { for j in b...jHi { buf[j - jLo] = upSample(x, j, taps, off) } }
            VectorMath.snake(buf, buf, nj, alpha: alpha, invBeta: invBeta)
        }
        // 3) low-pass + decimate.
        let acc = scratch + r * scratchStride
        let n = i1 - i0
        acc.update(repeating: 0, count: n)
        // interior i: all z indices r·i + k − padLeft within 0..<upLength
        let ia = Swift.min(Swift.max(i0, (downPadLeft + r - 1) / r), i1)
        let ibRaw = (upLength - downTaps.count + downPadLeft) / r + 1 // first i with r·i + K − 1 − padLeft ≥ upLength
        let ib = Swift.max(Swift.min(i1, ibRaw), ia)
        if ib > ia {
            let nk = downTaps.count
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: nk) { sources in
                for k in 0..<nk {
                    sources[k] = UnsafePointer(scratch + (downPhase[k] * scratchStride + downShift[k] - jLo + ia))
                }
                downTaps.withUnsafeBufferPointer { tp in
                    VectorMath.weightedSum(sources.baseAddress!, tp.baseAddress!, nk, acc + (ia - i0), ib - ia)
                }
            }
        }
        for i in i0..<i1 where i < ia || i >= ib {
            var s: Float = 0
            for k in 0..<downTaps.count {
                var z = r * i + k - downPadLeft
                z = z < 0 ? 0 : (z >= upLength ? upLength - 1 : z)
                s += downTaps[k] * scratch[(z % r) * scratchStride + z / r - jLo]
            }
            acc[i - i0] = s
        }
        (out + i0).update(from: acc, count: n)
    }

    /// One upsampled sample of phase buffer with taps/off at phase index j, with input clamping.
    @inline(__always)
    func upSample(_ x: UnsafePointer<Float>, _ j: Int, _ taps: [Float], _ off: Int) -> Float {
        var s: Float = 0
        for t in 0..<taps.count { s += taps[t] * x[clampX(j + off - t)] }
        return s
    }
}

extension Activation1d {
    typealias Plan = Activation1dPlan
}
