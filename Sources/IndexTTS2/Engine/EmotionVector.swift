// IndexTTS2 emotion controls (infer_v2 `emo_audio_prompt`, `emo_vector`, `emo_alpha`):
//   * an 8-category weight vector in the order happy, angry, sad, afraid, disgusted, melancholic, surprised, calm,
//     written on the command line as "happy=0.6,calm=0.2" (missing categories are 0);
//   * a second reference clip whose 16 kHz w2v-BERT features drive the emotion conditioner;
//   * alpha: with a clip, the mix base + α·(emotion − base); with a vector, each weight becomes
//     int(w·clamp(α, 0, 1)·10000)/10000 (infer_v2 truncates to 4 decimals) when α ≠ 1.
// As in infer_v2, a vector takes precedence over a clip (the clip is then discarded), and without a clip the
// emotion features come from the speaker file itself (read again at 16 kHz) with α = 1.
import Foundation

public struct EmotionVector: Sendable, Equatable, CustomStringConvertible {
    public static let categories = ["happy", "angry", "sad", "afraid", "disgusted", "melancholic", "surprised", "calm"]

    /// One weight per category, in `categories` order, as the Python floats infer_v2 receives.
    public var values: [Double]

    /// The weights as the float32 tensor infer_v2 builds from them.
    public var weights: [Float] { values.map { Float($0) } }

    public init(values: [Double]) throws {
        guard values.count == Self.categories.count else {
            throw IndexTTS2ModelError.badEmotion("expected \(Self.categories.count) weights (\(Self.categories.joined(separator: ", "))), got \(values.count)")
        }
        guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw IndexTTS2ModelError.badEmotion("weights must be finite and ≥ 0, got \(values)")
        }
        self.values = values
    }

    /// Parses "happy=0.6,calm=0.2" (whitespace allowed; each category at most once).
    public init(parsing text: String) throws {
        var w = [Double](repeating: 0, count: Self.categories.count)
        var seen = Set<String>()
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else {
            throw IndexTTS2ModelError.badEmotion("empty --emotion; write e.g. \"happy=0.6,calm=0.2\" over \(Self.categories.joined(separator: ", "))")
        }
        for part in parts {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard kv.count == 2, let value = Double(kv[1]) else {
                throw IndexTTS2ModelError.badEmotion("'\(part)' is not CATEGORY=WEIGHT (e.g. happy=0.6)")
            }
            guard let i = Self.categories.firstIndex(of: kv[0]) else {
                throw IndexTTS2ModelError.badEmotion("unknown category '\(kv[0])'; use \(Self.categories.joined(separator: ", "))")
            }
            guard seen.insert(kv[0]).inserted else { throw IndexTTS2ModelError.badEmotion("category '\(kv[0])' given twice") }
            guard value.isFinite, value >= 0 else {
                throw IndexTTS2ModelError.badEmotion("weight of \(kv[0]) must be ≥ 0, got \(kv[1])")
            }
            w[i] = value
        }
        try self.init(values: w)
    }

    /// torch.sum of the float32 weights.
    public var sum: Float { weights.reduce(0, +) }

    /// infer_v2's alpha handling for a vector: when α ≠ 1, w ← int(w·clamp(α, 0, 1)·10000)/10000.
    public func scaled(alpha: Double) -> EmotionVector {
        guard alpha != 1 else { return self }
        let a = min(max(alpha, 0), 1)
        var copy = self
        copy.values = values.map { Double(Int($0 * a * 10000)) / 10000 }
        return copy
    }

    public var description: String {
        zip(Self.categories, values).filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }
}

/// The emotion settings of one engine instance.
public struct EmotionSettings: Sendable, Equatable {
    /// A second reference clip (`--emotion-clip`).
    public var clipPath: String?
    /// An 8-category vector (`--emotion`); takes precedence over the clip.
    public var vector: EmotionVector?
    /// `--emotion-alpha` (default 1), a Python float in infer_v2.
    public var alpha: Double

    public init(clipPath: String? = nil, vector: EmotionVector? = nil, alpha: Double = 1) {
        self.clipPath = clipPath
        self.vector = vector
        self.alpha = alpha
    }

    public func validate() throws {
        guard alpha.isFinite, alpha >= 0 else { throw IndexTTS2ModelError.badEmotion("--emotion-alpha must be ≥ 0, got \(alpha)") }
    }

    /// The clip actually used (a vector discards it, as infer_v2 does).
    public var effectiveClip: String? { vector == nil ? clipPath : nil }

    /// α used in merge_emovec: 1 whenever no separate clip is used.
    public var effectiveMergeAlpha: Float { effectiveClip == nil ? 1 : Float(alpha) }

    /// The vector after alpha scaling, if any.
    public var effectiveVector: EmotionVector? { vector?.scaled(alpha: alpha) }

    /// Part of the engine's settings description (cache identity).
    public var identity: String {
        "emotion=[\(effectiveVector?.description ?? "-")] emotion_clip=\(effectiveClip ?? "-") alpha=\(alpha)"
    }
}
