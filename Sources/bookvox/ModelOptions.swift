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

    /// Copies the options into `options`.
    func apply(to options: inout RenderOptions) {
        options.modelDir = modelDir
        options.speaker = speaker
        options.voiceDesign = voiceDesign
    }
}
