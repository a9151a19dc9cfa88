// IndexTTS2 reference log-mel: config decoding (fmax "None"/null/number), frame count, floor.
import AudioDSP
import Foundation
import XCTest

final class FeatureLogMelTests: XCTestCase {
    private let base = #""n_fft": 1024, "win_size": 1024, "hop_size": 256, "num_mels": 80, "sampling_rate": 22050, "fmin": 0, "center": false"#

    func testConfigDecodesFmaxVariants() throws {
        for (text, want) in [(#""None""#, nil), ("null", nil), ("8000", 8000.0)] as [(String, Double?)] {
            let json = "{\(base), \"fmax\": \(text)}"
            let c = try JSONDecoder().decode(MelSpectrogramConfig.self, from: Data(json.utf8))
            XCTAssertEqual(c.fmax, want, json)
            XCTAssertEqual(c.nFFT, 1024)
            XCTAssertEqual(c.hopSize, 256)
        }
        XCTAssertThrowsError(try JSONDecoder().decode(MelSpectrogramConfig.self, from: Data("{\(base), \"fmax\": \"max\"}".utf8)))
    }

    func testFrameCountAndSilenceFloor() throws {
        let mel = try LogMelSpectrogram(config: MelSpectrogramConfig(nFFT: 1024, winSize: 1024, hopSize: 256, numMels: 80, samplingRate: 22050))
        XCTAssertEqual(mel.frameCount(sampleCount: 88384), 345)  // floor(N / hop)
        let out = try mel.compute([Float](repeating: 0, count: 4096))
        XCTAssertEqual(out.shape, [1, 80, 16])
        // Silence: magnitude sqrt(1e-9) per bin, times a Slaney filter, stays under the 1e-5 clamp.
        for v in out.array { XCTAssertEqual(v, log(Float(1e-5)), accuracy: 1e-6) }
        XCTAssertThrowsError(try mel.compute([Float](repeating: 0, count: 300)))
    }
}
