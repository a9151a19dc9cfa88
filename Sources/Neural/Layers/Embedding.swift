// torch.nn.Embedding: row lookup in a (vocab, dim) table.
import Tensors

public struct Embedding: Sendable {
    public let table: Tensor // (V, D)

    public init(table: Tensor) {
        precondition(table.rank == 2, "Embedding table must be (vocab, dim), got \(table.shape)")
        self.table = table
    }

    public init(_ scope: WeightScope, count: Int, dim: Int) throws {
        self.init(table: try scope.tensor("weight", shape: [count, dim]))
    }

    public var count: Int { table.shape[0] }
    public var dim: Int { table.shape[1] }

    /// ids (N) → (N, D); ids outside the vocabulary throw.
    public func callAsFunction(_ ids: [Int]) throws -> Tensor { try table.gatherRows(ids) }
}
