// `--precision exact|fast`: the stored engine setting (EngineOptions.precision) and what each engine makes of it.
// exact (the default, also when unset) keeps every engine's fp32 path; fast is implemented for Qwen3-TTS
// (Qwen3Precision) and IndexTTS2 (its GPT's decode steps) and refused with a clear error by engines that have no
// fast path (espeak).
import Foundation

public enum EnginePrecision: String, CaseIterable, Sendable {
    case exact, fast

    /// The precision of stored / given settings: nil and "exact" are exact.
    public init(settings: EngineOptions) throws {
        guard let raw = settings.precision else {
            self = .exact
            return
        }
        guard let p = EnginePrecision(rawValue: raw) else {
            throw BookvoxError.badInput("unknown precision '\(raw)'; use exact or fast.")
        }
        self = p
    }

    /// Throws for `fast` on an engine without a fast path.
    public static func requireExact(_ settings: EngineOptions, engine: String) throws {
        if try EnginePrecision(settings: settings) == .fast {
            throw BookvoxError.badInput("--precision fast is available for qwen3-tts and indextts2 only; \(engine) renders in exact precision. "
                + "Fix: drop --precision fast, or pass --precision exact (with `bookvox resume`, it replaces the stored setting).")
        }
    }
}
