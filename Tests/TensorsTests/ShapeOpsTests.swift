import XCTest
@testable import Tensors

final class ShapeOpsTests: XCTestCase {
    func testPermuteMatchesIndexMapping() {
        let x = Tensor(shape: [2, 3, 4], data: (0..<24).map(Float.init))
        let y = x.permuted([2, 0, 1]) // (4, 2, 3)
        XCTAssertEqual(y.shape, [4, 2, 3])
        for a in 0..<2 { for b in 0..<3 { for c in 0..<4 {
            XCTAssertEqual(y[flat: c * 6 + a * 3 + b], x[flat: a * 12 + b * 4 + c])
        } } }
        let t = x.transposed(-1, -2) // (2, 4, 3)
        XCTAssertEqual(t.shape, [2, 4, 3])
        XCTAssertEqual(t[flat: 1 * 12 + 3 * 3 + 2], x[flat: 1 * 12 + 2 * 4 + 3])
    }

    func testSliceConcatSplit() {
        let x = Tensor(shape: [2, 5], data: (0..<10).map(Float.init))
        XCTAssertEqual(x.slice(axis: 1, start: 1, end: 4).array, [1, 2, 3, 6, 7, 8])
        XCTAssertEqual(x.slice(axis: 1, start: 0, end: 5, step: 2).array, [0, 2, 4, 5, 7, 9])
        XCTAssertEqual(x.slice(axis: 0, start: 1, end: 2).array, [5, 6, 7, 8, 9])
        let parts = x.split(axis: 1, sizes: [2, 3])
        XCTAssertEqual(parts[0].array, [0, 1, 5, 6])
        XCTAssertEqual(Tensor.concat(parts, axis: 1).array, x.array)
        let c0 = Tensor.concat([x, x], axis: 0)
        XCTAssertEqual(c0.shape, [4, 5])
        XCTAssertEqual(c0.slice(axis: 0, start: 2, end: 4).array, x.array)
    }

    func testPadModes() {
        let x = Tensor(shape: [1, 4], data: [1, 2, 3, 4])
        XCTAssertEqual(x.padded(left: 2, right: 2, mode: .zeros).array, [0, 0, 1, 2, 3, 4, 0, 0])
        XCTAssertEqual(x.padded(left: 2, right: 2, mode: .reflect).array, [3, 2, 1, 2, 3, 4, 3, 2])
        XCTAssertEqual(x.padded(left: 3, right: 1, mode: .replicate).array, [1, 1, 1, 1, 2, 3, 4, 4])
        let y = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(y.padded(axis: 0, left: 1, right: 0, mode: .reflect).array, [3, 4, 1, 2, 3, 4, 5, 6])
    }

    func testInterpolateLinearAndNearest() {
        let x = Tensor(shape: [1, 1, 4], data: [1, 2, 3, 4])
        // torch.nn.functional.interpolate(x, size=8, mode='linear', align_corners=False)
        assertClose(x.interpolate(size: 8, mode: .linear).array, [1, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4])
        // size 3 from 4: scale 4/3, src = (j + 0.5)·4/3 − 0.5 = 0.1667, 1.5, 2.8333
        assertClose(x.interpolate(size: 3, mode: .linear).array, [1.1666666, 2.5, 3.8333333])
        XCTAssertEqual(x.interpolate(scaleFactor: 2, mode: .nearest).array, [1, 1, 2, 2, 3, 3, 4, 4])
        XCTAssertEqual(x.interpolate(size: 3, mode: .nearest).array, [1, 2, 3])
        XCTAssertEqual(x.interpolate(size: 6, mode: .nearest).array, [1, 1, 2, 3, 3, 4])
    }

    func testEmbeddingGather() throws {
        let table = Tensor(shape: [3, 2], data: [0, 1, 10, 11, 20, 21])
        XCTAssertEqual(try table.gatherRows([2, 0, 2]).array, [20, 21, 0, 1, 20, 21])
        XCTAssertThrowsError(try table.gatherRows([3]))
    }
}
