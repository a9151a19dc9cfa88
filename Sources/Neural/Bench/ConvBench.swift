// Convolutions at BigVGAN (real config) shapes, as baseline.md §3 times them in PyTorch.
import Foundation
import Tensors

extension Bench {
    static func conv(_ options: BenchOptions) -> [BenchTiming] {
        var rng = SeededRNG(seed: options.seed &+ 2)
        var out: [BenchTiming] = []
        let cases: [(name: String, cin: Int, cout: Int, k: Int, d: Int, len: Int)] = [
            ("conv_pre Conv1d(80->1536,k7,p3)", 80, 1536, 7, 1, 431),
            ("Conv1d(768->768,k3,d1,p1)", 768, 768, 3, 1, 1724),
            ("Conv1d(768->768,k7,d3,p9)", 768, 768, 7, 3, 1724),
            ("Conv1d(768->768,k11,d5,p25)", 768, 768, 11, 5, 1724),
            ("Conv1d(24->24,k11,d5,p25)", 24, 24, 11, 5, 110_336),
        ]
        for c in cases {
            let x = gaussian([1, c.cin, c.len], std: 1, rng: &rng)
            let w = gaussian([c.cout, c.cin, c.k], std: 1 / Float(c.cin * c.k).squareRoot(), rng: &rng)
            let b = gaussian([c.cout], std: 0.02, rng: &rng)
            let spec = Conv1dSpec(padding: (c.k * c.d - c.d) / 2, dilation: c.d)
            let s = time(runs: options.repetitions) { _ = x.conv1d(weight: w, bias: b, spec: spec) }
            out.append(timing(c.name, "[1,\(c.cin),\(c.len)]", s, work: 2 * Double(c.cout * c.cin * c.k * c.len), unit: "GFLOP/s"))
        }
        // BigVGAN ups[0]: ConvTranspose1d(1536 → 768, k8, stride 4, padding 2) on 431 frames.
        let x = gaussian([1, 1536, 431], std: 1, rng: &rng)
        let w = gaussian([1536, 768, 8], std: (4 / Float(1536 * 8)).squareRoot(), rng: &rng)
        let s = time(runs: options.repetitions) { _ = x.convTranspose1d(weight: w, stride: 4, padding: 2) }
        out.append(timing("ConvTranspose1d(1536->768,k8,s4,p2)", "[1,1536,431]", s, work: 2 * Double(1536 * 768 * 8 * 431),
                          unit: "GFLOP/s"))
        // One anti-aliased SnakeBeta activation at stage-0 and stage-4 shapes.
        for (ch, len) in [(768, 1724), (48, 55168)] {
            let xa = gaussian([1, ch, len], std: 1, rng: &rng)
            let f = UpSample1d.designedFilter(ratio: 2)
            let act = Activation1d(up: UpSample1d(ratio: 2, filter: f), down: DownSample1d(ratio: 2, filter: f),
                                   act: SnakeBeta(alpha: [Float](repeating: 0, count: ch), beta: [Float](repeating: 0, count: ch),
                                                  logScale: true))
            let sa = time(runs: options.repetitions) { _ = act(xa) }
            // work: samples processed (reported as G samples/s)
            out.append(timing("Activation1d(SnakeBeta)", "[1,\(ch),\(len)]", sa, work: Double(ch * len), unit: "Gsamples/s"))
        }
        return out
    }
}
