// Conditional flow matching sampler (indextts/s2mel/modules/flow_matching.py `BASECFM.inference` →
// `solve_euler`), as infer_v2 calls it (f0 None, zero_prompt_speech_token false):
//   z = noise · temperature                     (the caller draws the standard-normal noise: parity tests pass
//                                               the recorded draw, the engine its seeded RNG)
//   t_span = linspace(0, 1, steps + 1)          (float32, torch's two-sided linspace)
//   prompt_x = 0 with prompt_x[..., :T_ref] = prompt;  x = z with x[..., :T_ref] = 0
//   per step: dt = t_span[s] − t_span[s−1]
//             cfg > 0: one estimator call on the batch [x, x] with ([prompt_x, 0], [style, 0], [mu, 0], [t, t]),
//                      v = (1 + cfg)·v_cond − cfg·v_uncond;   else v = estimator(x, prompt_x, t, style, mu)
//             x = x + dt·v;  t = t + dt (accumulated);  x[..., :T_ref] = 0
//   returns x (prompt region zero), (B, 80, T).
import Neural
import Tensors

public struct CFMSolver: Sendable {
    public let estimator: DiTEstimator

    public init(estimator: DiTEstimator) { self.estimator = estimator }

    /// What one Euler step produced (for parity checks and progress reporting).
    public struct Step {
        public let index: Int
        /// The estimator output for the stacked batch [conditional; unconditional] (2B, 80, T), or (B, 80, T) without CFG.
        public let estimatorOutput: Tensor
        /// x after the update and the prompt-region reset, (B, 80, T).
        public let x: Tensor
    }

    /// torch.linspace(0, 1, n) in float32: start + i·step for i < n/2, end − (n−1−i)·step after.
    public static func timeSpan(steps: Int) -> [Float] {
        let n = steps + 1
        guard n > 1 else { return [0] }
        let step = Float(1) / Float(n - 1)
        return (0..<n).map { i in i < n / 2 ? Float(i) * step : 1 - step * Float(n - 1 - i) }
    }

    /// mu (B, T, C), prompt (B, 80, T_ref), style (B, S), noise (B, 80, T) → (B, 80, T)
    public func inference(mu: Tensor, prompt: Tensor, style: Tensor, noise: Tensor, steps: Int = 25,
                          cfgRate: Double = 0.7, temperature: Float = 1, onStep: ((Step) -> Void)? = nil) throws -> Tensor {
        let (bsz, len) = (mu.shape[0], mu.shape[1])
        let cin = estimator.inChannels
        guard noise.shape == [bsz, cin, len] else {
            throw S2MelError.badInput(name: "CFM noise", expected: "(\(bsz), \(cin), \(len)) like mu's batch and length", got: noise.shape)
        }
        guard prompt.rank == 3, prompt.shape[0] == bsz, prompt.shape[1] == cin, prompt.shape[2] <= len else {
            throw S2MelError.badInput(name: "CFM prompt mel", expected: "(\(bsz), \(cin), T_ref ≤ \(len))", got: prompt.shape)
        }
        guard steps >= 1 else { throw S2MelError.badConfig("CFM needs at least one step, got \(steps)") }
        let promptLength = prompt.shape[2]
        var x = temperature == 1 ? noise : noise * temperature // (B, 80, T)
        CFMSolver.zeroPrefix(&x, length: promptLength)
        var promptX = Tensor(zeros: [bsz, cin, len]) // (B, 80, T)
        promptX = CFMSolver.writingPrefix(promptX, prompt)
        let span = CFMSolver.timeSpan(steps: steps)
        let useCFG = cfgRate > 0
        let (stackedPrompt, stackedStyle, stackedMu) = useCFG
            ? (Tensor.concat([promptX, Tensor(zeros: promptX.shape)], axis: 0),
               Tensor.concat([style, Tensor(zeros: style.shape)], axis: 0),
               Tensor.concat([mu, Tensor(zeros: mu.shape)], axis: 0))
            : (promptX, style, mu)
        let condScale = Float(1 + cfgRate), uncondScale = Float(cfgRate)
        var t = span[0]
        for step in 1...steps {
            let dt = span[step] - span[step - 1]
            let v: Tensor // (B, 80, T)
            let raw: Tensor
            if useCFG {
                raw = try estimator(x: Tensor.concat([x, x], axis: 0), promptX: stackedPrompt, t: Array(repeating: t, count: 2 * bsz),
                                    style: stackedStyle, mu: stackedMu) // (2B, 80, T)
                v = CFMSolver.guided(raw, condScale: condScale, uncondScale: uncondScale)
            } else {
                raw = try estimator(x: x, promptX: promptX, t: Array(repeating: t, count: bsz), style: style, mu: mu)
                v = raw
            }
            x = CFMSolver.eulerUpdate(x, velocity: v, dt: dt)
            t = t + dt
            CFMSolver.zeroPrefix(&x, length: promptLength)
            onStep?(Step(index: step, estimatorOutput: raw, x: x))
        }
        return x
    }

    /// (1 + cfg)·v[:B] − cfg·v[B:] for v (2B, C, T) → (B, C, T)
    static func guided(_ v: Tensor, condScale: Float, uncondScale: Float) -> Tensor {
        let half = v.count / 2
        var out = Tensor(zeros: [v.shape[0] / 2] + Array(v.shape.dropFirst()))
        let p = v.pointer
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<half { o[i] = condScale * p[i] - uncondScale * p[half + i] }
        }
        return out
    }

    /// x + dt·v
    static func eulerUpdate(_ x: Tensor, velocity v: Tensor, dt: Float) -> Tensor {
        var out = x
        let vp = v.pointer
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] = o[i] + dt * vp[i] }
        }
        return out
    }

    /// x[..., :n] = 0 for x (B, C, T).
    static func zeroPrefix(_ x: inout Tensor, length n: Int) {
        guard n > 0 else { return }
        let t = x.shape[2], rows = x.shape[0] * x.shape[1]
        x.withUnsafeMutableBufferPointer { o in
            for r in 0..<rows { (o.baseAddress! + r * t).update(repeating: 0, count: n) }
        }
    }

    /// Copy of base (B, C, T) with base[..., :T_p] = prefix (B, C, T_p).
    static func writingPrefix(_ base: Tensor, _ prefix: Tensor) -> Tensor {
        var out = base
        let t = base.shape[2], tp = prefix.shape[2], rows = base.shape[0] * base.shape[1]
        let src = prefix.pointer
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<rows { (o.baseAddress! + r * t).update(from: src + r * tp, count: tp) }
        }
        return out
    }
}
