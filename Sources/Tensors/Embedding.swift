// Row gather from an embedding table (torch.nn.functional.embedding).
extension Tensor {
    /// table (V, D) gathered at `indices` → (indices.count, D). Out-of-range ids throw.
    public func gatherRows(_ indices: [Int]) throws -> Tensor {
        precondition(rank == 2, "embedding table must be (V, D), got \(shape)")
        let v = shape[0], d = shape[1]
        var out = Tensor(zeros: [indices.count, d])
        let src = pointer
        for (i, id) in indices.enumerated() where id < 0 || id >= v {
            throw TensorError.invalidShape(op: "embedding", detail: "index \(id) at position \(i) outside vocabulary 0..<\(v)")
        }
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            for (i, id) in indices.enumerated() { (o + i * d).update(from: src + id * d, count: d) }
        }
        return out
    }
}
