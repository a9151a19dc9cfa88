// On-disk encodings AudioFile.write produces.
import CSndfile

public enum AudioFileFormat: String, Sendable, CaseIterable, Codable {
    /// RIFF WAVE, 16-bit signed PCM (samples outside [-1, 1] are clipped).
    case wav16
    /// RIFF WAVE, 32-bit IEEE float (lossless for Float samples).
    case wavFloat
    /// FLAC, 16-bit (lossless for 16-bit audio; samples outside [-1, 1] are clipped).
    case flac

    /// Conventional file extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .wav16, .wavFloat: return "wav"
        case .flac: return "flac"
        }
    }

    /// libsndfile major | subtype format code.
    var sndfileFormat: Int32 {
        switch self {
        case .wav16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wavFloat: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        }
    }

    /// Integer encodings clip out-of-range floats instead of wrapping around.
    var needsClipping: Bool { self != .wavFloat }
}
