// Errors of the feature front ends (STFT, mel, Kaldi fbank, Seamless, sinc resampling).
import Foundation

public enum FeatureError: Error, CustomStringConvertible {
    /// A configuration value is out of range or not supported by this port.
    case invalidConfig(String)
    /// The input signal is too short for the requested framing.
    case signalTooShort(samples: Int, needed: Int, what: String)
    /// FFTW could not create a plan.
    case fftPlanFailed(size: Int)

    public var description: String {
        switch self {
        case let .invalidConfig(reason):
            return "feature front end configuration: \(reason)"
        case let .signalTooShort(samples, needed, what):
            return "\(what): signal has \(samples) samples but at least \(needed) are needed; pass a longer clip"
        case let .fftPlanFailed(size):
            return "FFTW could not create a real-to-complex plan of size \(size); check that libfftw3f is installed"
        }
    }
}
