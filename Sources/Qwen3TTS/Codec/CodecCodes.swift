// A batch of codec codes in the decoder's layout (B, Q, T): batch, quantizer (column 0 = the semantic
// codebook), frame. The talker produces frames [T][Q]; `init(frames:)` transposes them.
public struct Qwen3CodecCodes: Sendable, Equatable {
    public let batch: Int
    public let quantizers: Int
    public let frames: Int
    /// Row-major (B, Q, T).
    public private(set) var values: [Int]

    public init(batch: Int, quantizers: Int, frames: Int, values: [Int]) throws {
        guard values.count == batch * quantizers * frames else {
            throw Qwen3CodecError.codeShape(expected: "\(batch)·\(quantizers)·\(frames) = \(batch * quantizers * frames) values",
                                            found: "\(values.count)")
        }
        self.batch = batch
        self.quantizers = quantizers
        self.frames = frames
        self.values = values
    }

    /// One item from frames [T][Q] (the talker's output layout, `audio_codes` of the original).
    public init(frames rows: [[Int]]) throws {
        guard let q = rows.first?.count, q > 0 else { throw Qwen3CodecError.emptyInput("the code frame list") }
        for (t, row) in rows.enumerated() where row.count != q {
            throw Qwen3CodecError.codeShape(expected: "\(q) codes in every frame", found: "\(row.count) at frame \(t)")
        }
        var v = [Int](repeating: 0, count: q * rows.count)
        for (t, row) in rows.enumerated() { for (k, c) in row.enumerated() { v[k * rows.count + t] = c } }
        try self.init(batch: 1, quantizers: q, frames: rows.count, values: v)
    }

    @inline(__always) public subscript(b: Int, q: Int, t: Int) -> Int { values[(b * quantizers + q) * frames + t] }

    /// Frames start..<end of every item and quantizer.
    public func frames(_ range: Range<Int>) -> Qwen3CodecCodes {
        var v: [Int] = []
        v.reserveCapacity(batch * quantizers * range.count)
        for b in 0..<batch { for q in 0..<quantizers { for t in range { v.append(self[b, q, t]) } } }
        // Shape is consistent by construction.
        return try! Qwen3CodecCodes(batch: batch, quantizers: quantizers, frames: range.count, values: v)
    }

    /// Item `b` alone.
    public func item(_ b: Int) -> Qwen3CodecCodes {
        let n = quantizers * frames
        return try! Qwen3CodecCodes(batch: 1, quantizers: quantizers, frames: frames,
                                    values: Array(values[(b * n)..<((b + 1) * n)]))
    }

    /// Every code clamped to ≥ 0 (the original's `torch.clamp(audio_codes, min=0)` for -1 padding).
    public func clampedToZero() -> Qwen3CodecCodes {
        var c = self
        c.values = values.map { Swift.max($0, 0) }
        return c
    }
}
