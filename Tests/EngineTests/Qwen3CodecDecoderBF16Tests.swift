// The 12 Hz codec decoder with every convolution through oneDNN in bf16 (ConvolutionPolicy.oneDNNBF16Everywhere: the
// tiny case's channel counts are below what `fastBF16` sends to bf16, so this covers the path the fast decoder takes
// at real size): run-to-run identical bytes, each item of a batch bit-identical to the item decoded alone, and the
// waveform's deviation from the exact decoder within the measured bound (docs/precision.md, "Bounds").
// On CPUs without AVX512_BF16 they check instead that fast keeps float32 convolutions there.
import XCTest
import Neural
import Tensors
import TestSupport
@testable import Qwen3TTS

final class Qwen3CodecDecoderBF16Tests: XCTestCase {
    /// nil on a CPU without AVX512_BF16, after checking that fast keeps float32 convolutions there.
    private func decoders() throws -> (exact: Qwen3CodecDecoder, bf16: Qwen3CodecDecoder, codes: [[Int]], rate: Int)? {
        guard DNNLConvolution.DataType.bf16.isNativelySupported else {
            XCTAssertEqual(ConvolutionPolicy.fastBF16.onThisCPU, .fast, "without AVX512_BF16 fast keeps float32")
            return nil
        }
        let c = try Fixtures.load(Qwen3CodecParity.decoderCase)
        let st = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "speech_tokenizer_config")
        let store = { try WeightStore(path: c.weightsURL!.path) }
        let exact = try Qwen3CodecDecoder(config: st.decoderConfig, store: store())
        let bf16 = try Qwen3CodecDecoder(config: st.decoderConfig, store: store(), convolutions: .oneDNNBF16Everywhere)
        return (exact, bf16, try Qwen3CodecParity.frames(c, "codes"), st.decodeUpsampleRate)
    }

    func testBF16DecodeIsDeterministicAndBatchInvariant() throws {
        guard let d = try decoders() else { return }
        XCTAssertEqual(d.bf16.inputConv.conv.oneDNN?.dataType, .bf16)
        XCTAssertEqual(d.bf16.blocks[0].units[0].conv2.conv.oneDNN?.dataType, .bf16, "residual units run bf16 too")
        XCTAssertEqual(d.bf16.oneDNNBackends, [.oneDNNBF16])
        let alone = try d.bf16.decode(frames: d.codes, decodeUpsampleRate: d.rate)
        XCTAssertEqual(try d.bf16.decode(frames: d.codes, decodeUpsampleRate: d.rate), alone, "same bytes again")
        let other = d.codes.reversed().map { $0 }
        let batch = try d.bf16.decodeBatch([d.codes, other], decodeUpsampleRate: d.rate)
        XCTAssertEqual(batch[0], alone, "batch item 0 equals the item decoded alone")
        XCTAssertEqual(batch[1], try d.bf16.decode(frames: other, decodeUpsampleRate: d.rate), "batch item 1 equals it alone")
    }

    func testBF16WaveformDeviationFromExact() throws {
        guard let d = try decoders() else { return }
        let want = try d.exact.decode(frames: d.codes, decodeUpsampleRate: d.rate)
        let got = try d.bf16.decode(frames: d.codes, decodeUpsampleRate: d.rate)
        XCTAssertEqual(got.count, want.count)
        var signal = 0.0, noise = 0.0
        for (x, y) in zip(want, got) {
            signal += Double(x) * Double(x)
            noise += Double(y - x) * Double(y - x)
        }
        let snr = 10 * log10(signal / max(noise, 1e-300))
        XCTAssertGreaterThan(snr, Self.minimumSNR, "bf16 convolutions deviate more than measured (SNR \(snr) dB)")
        XCTAssertLessThan(snr, 200, "bf16 must differ from exact (SNR \(snr) dB): the bf16 path did not run")
    }

    /// Waveform SNR of the bf16 decoder against exact on the tiny case, measured 28.7 dB (oneDNN 2.6.3,
    /// avx512_core_bf16); the bound leaves a margin for another CPU's oneDNN kernel choice.
    static let minimumSNR = 25.0
}
