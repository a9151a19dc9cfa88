// Engine model and voice-selection options shared by render / resume / rerender (neural engines).
import ArgumentParser
import Bookvox

struct ModelOptions: ParsableArguments {
    @Option(help: "Model directory of a neural engine (default: the installed model, see `bookvox models`).")
    var modelDir: String?

    @Option(help: "Preset speaker of a Qwen3-TTS CustomVoice model (e.g. ryan, vivian).")
    var speaker: String?

    @Option(help: "Voice description for a Qwen3-TTS VoiceDesign model (style instruction on 1.7B CustomVoice).")
    var voiceDesign: String?

    @Option(help: "IndexTTS2: a second clip whose emotion the narration takes (the voice still comes from --voice).")
    var emotionClip: String?

    @Option(help: ArgumentHelp("IndexTTS2: emotion weights over happy, angry, sad, afraid, disgusted, melancholic, surprised, calm, "
        + "e.g. \"happy=0.6,calm=0.2\" (takes precedence over --emotion-clip).", valueName: "CATEGORY=WEIGHT,..."))
    var emotion: String?

    @Option(help: "IndexTTS2: emotion strength (default 1; scales --emotion weights, mixes --emotion-clip with the voice).")
    var emotionAlpha: Double?

    @Option(help: "IndexTTS2: flow-matching steps (default 25).")
    var diffusionSteps: Int?

    @Option(help: "IndexTTS2: classifier-free guidance rate (default 0.7).")
    var cfgRate: Double?

    @Option(help: ArgumentHelp("Decode precision: exact (default, float32 like the original) or fast (int8 weights in the "
        + "decode steps of Qwen3-TTS's talker and code predictor and of IndexTTS2's GPT: a faster decode loop, slightly "
        + "different audio).",
        valueName: "exact|fast"))
    var precision: String?

    @Flag(help: "Forget the engine settings stored in the project and use only the ones given now (render, resume).")
    var resetSettings = false

    func validate() throws {
        if let a = emotionAlpha, !(a >= 0) { throw ValidationError("--emotion-alpha must be ≥ 0 (got \(a)).") }
        if let s = diffusionSteps, s < 1 { throw ValidationError("--diffusion-steps must be ≥ 1 (got \(s)).") }
        if let c = cfgRate, !(c >= 0) { throw ValidationError("--cfg-rate must be ≥ 0 (got \(c)).") }
        if let p = precision, EnginePrecision(rawValue: p) == nil {
            throw ValidationError("--precision must be exact or fast (got \(p)).")
        }
    }

    /// Copies the options into `options`.
    func apply(to options: inout RenderOptions) {
        options.engineSettings.modelDir = modelDir
        options.engineSettings.speaker = speaker
        options.engineSettings.voiceDesign = voiceDesign
        options.engineSettings.emotionClip = emotionClip
        options.engineSettings.emotion = emotion
        options.engineSettings.emotionAlpha = emotionAlpha
        options.engineSettings.diffusionSteps = diffusionSteps
        options.engineSettings.cfgRate = cfgRate
        options.engineSettings.precision = precision
        options.keepStoredEngineSettings = !resetSettings
    }
}
