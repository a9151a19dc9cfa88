// The 12 Hz codec decoder with every convolution through oneDNN (ConvolutionPolicy.oneDNNEverywhere: the tiny case's
// channel counts are below what `fast` sends to oneDNN, so this covers the oneDNN path that fast takes at real size):
// every output of the parity case within the case's tolerances, run-to-run identical bytes, and each item of a
// batch decoded bit-identically to decoding it alone.
import XCTest
import Neural
import Tensors
import TestSupport
@testable import Qwen3TTS

final class Qwen3CodecDecoderOneDNNTests: XCTestCase {
    func testDecoderTinyParityWithOneDNNConvolutions() throws {
        let c = try Fixtures.load(Qwen3CodecParity.decoderCase)
        let reports = try Qwen3CodecParity.compare(c, outputs: try Qwen3CodecParity.decoderOutputs(c, convolutions: .oneDNNEverywhere))
        XCTAssertEqual(reports.count, 18)
        for r in reports { XCTAssertTrue(r.passed, r.description) }
    }

    func testFastDecodeIsDeterministicAndBatchInvariant() throws {
        let c = try Fixtures.load(Qwen3CodecParity.decoderCase)
        let st = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "speech_tokenizer_config")
        let decoder = try Qwen3CodecDecoder(config: st.decoderConfig, store: WeightStore(path: c.weightsURL!.path),
                                            convolutions: .oneDNNEverywhere)
        XCTAssertNotNil(decoder.inputConv.conv.oneDNN, "the dense convolutions run on oneDNN")
        let a = try Qwen3CodecParity.frames(c, "codes")
        let alone = try decoder.decode(frames: a, decodeUpsampleRate: st.decodeUpsampleRate)
        XCTAssertEqual(try decoder.decode(frames: a, decodeUpsampleRate: st.decodeUpsampleRate), alone, "same bytes again")
        let batch = try decoder.decodeBatch([a, a], decodeUpsampleRate: st.decodeUpsampleRate)
        XCTAssertEqual(batch[0], alone, "batch item 0 equals the item decoded alone")
        XCTAssertEqual(batch[1], alone, "batch item 1 equals the item decoded alone")
    }
}
