// Kaldi fbank and Seamless extractor behaviour beyond the fixture: option decoding, energy column,
// framing modes, normalization statistics, and padding/mask rules for even and odd frame counts.
import AudioDSP
import Foundation
import XCTest

final class FeatureKaldiSeamlessTests: XCTestCase {
    private func signal(_ n: Int, seed: UInt32 = 7) -> [Float] {
        var state = seed
        return (0..<n).map { i in
            state = state &* 1664525 &+ 1013904223
            return Float(0.3 * sin(0.05 * Double(i)) + 0.1 * (Double(state >> 8) / Double(1 << 24) - 0.5))
        }
    }

    func testKaldiOptionsDecodeTorchaudioNames() throws {
        let json = #"{"num_mel_bins": 40, "frame_length_ms": 20.0, "frame_shift": 5.0, "window_type": "hamming", "use_energy": true}"#
        let o = try JSONDecoder().decode(KaldiFbankOptions.self, from: Data(json.utf8))
        XCTAssertEqual(o.numMelBins, 40)
        XCTAssertEqual(o.frameLength, 20)
        XCTAssertEqual(o.frameShift, 5)
        XCTAssertEqual(o.windowType, .hamming)
        XCTAssertTrue(o.useEnergy)
        XCTAssertEqual(o.preemphasisCoefficient, 0.97)
        XCTAssertThrowsError(try JSONDecoder().decode(KaldiFbankOptions.self, from: Data(#"{"window_type": "kaiser"}"#.utf8)))
        var dithered = KaldiFbankOptions()
        dithered.dither = 1
        XCTAssertThrowsError(try KaldiFbank(options: dithered))
    }

    func testFramingAndEnergyColumn() throws {
        var o = KaldiFbankOptions()
        o.numMelBins = 80
        o.useEnergy = true
        let fbank = try KaldiFbank(options: o)
        XCTAssertEqual(fbank.windowSize, 400)
        XCTAssertEqual(fbank.windowShift, 160)
        XCTAssertEqual(fbank.paddedWindowSize, 512)
        let x = signal(4000)
        let out = try fbank.compute(x)
        XCTAssertEqual(out.shape, [1 + (4000 - 400) / 160, 81])
        // Raw energy (before pre-emphasis and window) of frame 3, after DC removal; floor ln(1) = 0.
        let frame = x[480..<880].map(Double.init)
        let mean = frame.reduce(0, +) / 400
        let energy = max(log(frame.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }), 0)
        XCTAssertEqual(Double(out.array[3 * 81]), energy, accuracy: 1e-4)

        o.useEnergy = false
        o.snipEdges = false
        let unsnipped = try KaldiFbank(options: o)
        XCTAssertEqual(unsnipped.frameCount(sampleCount: 4000), (4000 + 80) / 160)
        XCTAssertEqual(try unsnipped.compute(x).shape, [25, 80])
        XCTAssertThrowsError(try fbank.compute(signal(399)))
    }

    func testTimeMeanSubtractionZeroesColumnMeans() throws {
        let fbank = try KaldiFbank(options: { var o = KaldiFbankOptions(); o.numMelBins = 80; return o }())
        let feat = KaldiFbank.subtractingTimeMean(try fbank.compute(signal(6000)))
        let frames = feat.shape[0], v = feat.array
        for j in 0..<80 {
            let mean = (0..<frames).reduce(0.0) { $0 + Double(v[$1 * 80 + j]) } / Double(frames)
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
        }
    }

    func testSeamlessEvenFrameCountHasFullMask() throws {
        let extractor = try SeamlessFeatureExtractor(config: SeamlessFeatureExtractorConfig())
        let n = 400 + 160 * 397  // 398 frames
        let f = try extractor.extract(signal(n))
        XCTAssertEqual(f.logMel.shape, [398, 80])
        XCTAssertEqual(f.inputFeatures.shape, [1, 199, 160])
        XCTAssertEqual(f.attentionMask, [Int64](repeating: 1, count: 199))
        // Stacking is [frame 2j ‖ frame 2j+1].
        let stacked = f.inputFeatures.array, rows = f.logMelNormalized.array
        XCTAssertEqual(Array(stacked[(5 * 160)..<(5 * 160 + 80)]), Array(rows[(10 * 80)..<(11 * 80)]))
        XCTAssertEqual(Array(stacked[(5 * 160 + 80)..<(6 * 160)]), Array(rows[(11 * 80)..<(12 * 80)]))
    }

    func testSeamlessOddFrameCountPadsWithPaddingValueAndMasksIt() throws {
        let extractor = try SeamlessFeatureExtractor(config: SeamlessFeatureExtractorConfig())
        let f = try extractor.extract(signal(400 + 160 * 10))  // 11 frames
        XCTAssertEqual(f.inputFeatures.shape, [1, 6, 160])
        XCTAssertEqual(f.attentionMask, [1, 1, 1, 1, 1, 0])
        XCTAssertEqual(Array(f.inputFeatures.array[(5 * 160 + 80)...]), [Float](repeating: 1, count: 80))
    }

    func testSeamlessNormalizationStatistics() throws {
        let extractor = try SeamlessFeatureExtractor(config: SeamlessFeatureExtractorConfig())
        let f = try extractor.extract(signal(16000, seed: 99))
        let frames = f.logMelNormalized.shape[0], v = f.logMelNormalized.array
        for j in stride(from: 0, to: 80, by: 7) {
            let col = (0..<frames).map { Double(v[$0 * 80 + j]) }
            let mean = col.reduce(0, +) / Double(frames)
            let variance = col.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(frames - 1)
            XCTAssertEqual(mean, 0, accuracy: 1e-4)
            XCTAssertEqual(variance, 1, accuracy: 1e-3)
        }
        XCTAssertThrowsError(try extractor.extract(signal(399)))
    }

    func testSeamlessConfigDecodesPreprocessorJSON() throws {
        let json = #"{"feature_extractor_type": "SeamlessM4TFeatureExtractor", "feature_size": 80, "num_mel_bins": 80, "padding_side": "right", "padding_value": 1, "processor_class": "Wav2Vec2BertProcessor", "return_attention_mask": true, "sampling_rate": 16000, "stride": 2}"#
        let c = try JSONDecoder().decode(SeamlessFeatureExtractorConfig.self, from: Data(json.utf8))
        XCTAssertEqual(c, SeamlessFeatureExtractorConfig())
    }
}
