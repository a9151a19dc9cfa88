// Parity runners for the audio front ends of IndexTTS2 (cases under fixtures/indextts2):
//   indextts2/mel_22k           soxr HQ 24 kHz→22.05 kHz (librosa.load) and the s2mel reference log-mel
//   indextts2/fbank_campplus    torchaudio sinc Resample 22050→16000 and the CAMPPlus Kaldi fbank
//   indextts2/seamless_features SeamlessM4TFeatureExtractor (w2v-BERT 2.0 input features)
// Every runner builds its components from the case config and reports every expected output.
// Intermediate stages are fed the reference's own intermediate tensors, as the case notes ask.
import CSoxr
import Foundation
import Neural
import Tensors

public enum AudioDSPParity {
    public static var cases: [String: ParityRunner] {
        [
            "indextts2/mel_22k": runMel22k,
            "indextts2/fbank_campplus": runFbankCampplus,
            "indextts2/seamless_features": runSeamlessFeatures,
        ]
    }

    /// Mono samples of an input stored as (1, N) or (N).
    static func monoInput(_ c: ParityCase, _ name: String) throws -> [Float] {
        let t = try c.input(name)
        guard t.rank == 1 || (t.rank == 2 && t.shape[0] == 1) else {
            throw ParityError.config(key: "in.\(name)", reason: "expected a (1, N) mono waveform, got \(t.shape)")
        }
        return t.array
    }

    /// Mono samples of an expected output stored as (1, N) or (N).
    static func monoExpected(_ c: ParityCase, _ name: String) throws -> [Float] {
        let t = try c.expected(name).floatTensor(key: "out." + name)
        guard t.rank == 1 || (t.rank == 2 && t.shape[0] == 1) else {
            throw ParityError.config(key: "out.\(name)", reason: "expected a (1, N) mono waveform, got \(t.shape)")
        }
        return t.array
    }

    // MARK: indextts2/mel_22k

    static func runMel22k(_ c: ParityCase) throws -> [OutputReport] {
        let melConfig = try c.decodeConfig(MelSpectrogramConfig.self, key: "mel_fn_args")
        var reports: [OutputReport] = []

        // librosa.load(path) at the default sr: soxr HQ from the clip's native rate (named in the input).
        let inputName = "audio_24k"
        guard let sourceRate = rateFromName(inputName) else {
            throw ParityError.config(key: "in.\(inputName)", reason: "cannot read the source rate from the input name")
        }
        let audio = try monoInput(c, inputName)
        let resampled = try librosaSoxrHQ(audio, from: sourceRate, to: melConfig.samplingRate)
        reports.append(try ParityCompare.check(c, output: "audio_22k", got: Tensor(shape: [1, resampled.count], data: resampled)))

        let mel = try LogMelSpectrogram(config: melConfig)
        let fb = mel.filterbank
        reports.append(try ParityCompare.check(c, output: "mel_filterbank",
                                               got: Tensor(shape: [fb.melCount, fb.binCount], data: fb.weightsFloat)))
        // The case notes: check the mel on the reference's own 22.05 kHz signal.
        let audio22k = try monoExpected(c, "audio_22k")
        reports.append(try ParityCompare.check(c, output: "mel", got: try mel.compute(audio22k)))
        return reports
    }

    /// "audio_24k" → 24000 (the rate a fixture's input name carries).
    static func rateFromName(_ name: String) -> Int? {
        guard let suffix = name.split(separator: "_").last, suffix.hasSuffix("k"),
              let k = Int(suffix.dropLast()) else { return nil }
        return k * 1000
    }

    /// librosa.resample(res_type='soxr_hq'); see `LibrosaResample.soxrHQ`.
    static func librosaSoxrHQ(_ x: [Float], from: Int, to: Int) throws -> [Float] {
        try LibrosaResample.soxrHQ(x, from: from, to: to)
    }

    // MARK: indextts2/fbank_campplus

    struct ResampleConfig: Decodable {
        var origFreq: Int
        var newFreq: Int
        var resamplingMethod: String
        var lowpassFilterWidth: Int
        var rolloff: Double
        enum CodingKeys: String, CodingKey {
            case origFreq = "orig_freq", newFreq = "new_freq", resamplingMethod = "resampling_method"
            case lowpassFilterWidth = "lowpass_filter_width", rolloff
        }
    }

    /// The case's fbank block: explicit arguments plus the defaults it lists under `defaults_used`.
    static func fbankOptions(_ c: ParityCase) throws -> KaldiFbankOptions {
        guard var block = c.config["fbank"] as? [String: Any] else {
            throw ParityError.config(key: "fbank", reason: "missing or not an object")
        }
        if let defaults = block.removeValue(forKey: "defaults_used") as? [String: Any] {
            block.merge(defaults) { explicit, _ in explicit }
        }
        let data = try JSONSerialization.data(withJSONObject: block)
        return try JSONDecoder().decode(KaldiFbankOptions.self, from: data)
    }

    static func runFbankCampplus(_ c: ParityCase) throws -> [OutputReport] {
        let rc = try c.decodeConfig(ResampleConfig.self, key: "resample")
        let resampler = try SincResampler(origFreq: rc.origFreq, newFreq: rc.newFreq, lowpassFilterWidth: rc.lowpassFilterWidth,
                                          rolloff: rc.rolloff, resamplingMethod: rc.resamplingMethod)
        let audio22k = try monoInput(c, "audio_22k")
        let audio16k = resampler.resample(audio22k)
        var reports = [try ParityCompare.check(c, output: "audio_16k", got: Tensor(shape: [1, audio16k.count], data: audio16k))]

        let fbank = try KaldiFbank(options: try fbankOptions(c))
        // The case notes: check the fbank on the reference's own 16 kHz signal.
        let features = try fbank.compute(try monoExpected(c, "audio_16k"))  // (frames, mels)
        reports.append(try ParityCompare.check(c, output: "fbank", got: features))
        guard let meanSubtraction = c.config["mean_subtraction"] as? String,
              meanSubtraction.replacingOccurrences(of: " ", with: "") == "feat-feat.mean(dim=0,keepdim=True)" else {
            throw ParityError.config(key: "mean_subtraction", reason: "expected \"feat - feat.mean(dim=0, keepdim=True)\"")
        }
        reports.append(try ParityCompare.check(c, output: "feat", got: KaldiFbank.subtractingTimeMean(features)))
        return reports
    }

    // MARK: indextts2/seamless_features

    static func runSeamlessFeatures(_ c: ParityCase) throws -> [OutputReport] {
        let config = try c.decodeConfig(SeamlessFeatureExtractorConfig.self)
        let options = try c.decodeConfig(SeamlessCallOptions.self, key: "call")
        if let rate = (c.config["call"] as? [String: Any])?["sampling_rate"] as? Int, rate != config.samplingRate {
            throw ParityError.config(key: "call.sampling_rate", reason: "\(rate) differs from the extractor's \(config.samplingRate)")
        }
        let extractor = try SeamlessFeatureExtractor(config: config)
        let result = try extractor.extract(try monoInput(c, "audio_16k"), options: options)
        return [
            try ParityCompare.check(c, output: "input_features", got: result.inputFeatures),
            try ParityCompare.check(c, output: "attention_mask", gotInts: result.attentionMask, shape: [1, result.attentionMask.count]),
            try ParityCompare.check(c, output: "log_mel", got: result.logMel),
            try ParityCompare.check(c, output: "log_mel_normalized", got: result.logMelNormalized),
        ]
    }
}
