// Typed errors for reading and writing audio files (AudioFile).
import Foundation

public enum AudioFileError: Error, CustomStringConvertible, Equatable {
    /// No file at the path (or the path is a directory).
    case notFound(path: String)
    /// The file exists but libsndfile does not recognise it as audio it can decode.
    case unsupportedFormat(path: String, detail: String)
    /// The file exists but could not be opened or decoded (permissions, I/O error, truncated data).
    case unreadable(path: String, detail: String)
    /// The device or quota is full while writing.
    case diskFull(path: String)
    /// Any other failure while creating, writing or closing the file.
    case writeFailed(path: String, detail: String)
    /// The buffer handed to `write` cannot be stored (bad sample rate, NaN/Inf samples).
    case invalidBuffer(path: String, detail: String)

    public var description: String {
        switch self {
        case let .notFound(p):
            return "audio file not found: \(p). Check the path (relative paths are resolved from the current directory)."
        case let .unsupportedFormat(p, d):
            return "\(p) is not an audio file this build can read (\(d)). Convert it to WAV or FLAC, e.g. `sox \"\(p)\" out.wav`."
        case let .unreadable(p, d):
            return "cannot read audio file \(p): \(d). Check that the file is readable and not truncated."
        case let .diskFull(p):
            return "no space left on the device while writing \(p). Free some disk space and run the command again."
        case let .writeFailed(p, d):
            return "cannot write audio file \(p): \(d). Check that the folder exists and is writable."
        case let .invalidBuffer(p, d):
            return "refusing to write \(p): \(d)."
        }
    }
}
