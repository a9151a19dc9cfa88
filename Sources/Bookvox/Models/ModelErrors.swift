// Errors of model installation: the store (what is installed, where, is it intact) and the downloader
// (network, HTTP, disk, verification). Each message says what was expected, what was found and the fix.
import Foundation

public enum ModelStoreError: Error, CustomStringConvertible, Equatable {
    case unknownModel(name: String, known: [String])
    case noModelForEngine(engine: String, known: [String])
    case invalidManifest(origin: String, reason: String)
    case notInstalled(model: String, directory: String)
    case fileMissing(path: String, model: String)
    case sizeMismatch(path: String, expected: Int64, found: Int64, model: String)
    case checksumMismatch(path: String, expected: String, found: String, model: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            return "unknown model '\(name)'. Known models: \(known.joined(separator: ", ")). See `bookvox models list`."
        case let .noModelForEngine(engine, known):
            let fix = known.isEmpty ? "" : " Fix: bookvox models download \(known[0])"
            return "no model is installed for engine '\(engine)'.\(fix)"
        case let .invalidManifest(origin, reason):
            return "invalid model manifest \(origin): \(reason)"
        case let .notInstalled(model, dir):
            return "model '\(model)' is not installed (expected in \(dir)). Fix: bookvox models download \(model)"
        case let .fileMissing(path, model):
            return "model file missing: \(path). Fix: bookvox models download \(model)"
        case let .sizeMismatch(path, expected, found, model):
            return "model file has the wrong size: \(path) (expected \(expected) bytes, found \(found)). "
                + "Fix: bookvox models download \(model)"
        case let .checksumMismatch(path, expected, found, model):
            return "model file is corrupt: \(path) (sha256 \(found), expected \(expected)). "
                + "Fix: bookvox models download \(model)"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        }
    }
}

public enum ModelDownloadError: Error, CustomStringConvertible {
    /// The transfer broke or timed out (after the retries).
    case network(url: String, reason: String)
    /// No connection could be made (host unknown, refused, offline, TLS failure): not retried.
    case cannotConnect(url: String, reason: String)
    /// The server has no such file.
    case notFound(url: String, file: String)
    /// 401/403: gated or private repository, or a bad token.
    case unauthorized(url: String, status: Int)
    /// Any other unexpected HTTP status.
    case httpStatus(url: String, status: Int)
    /// Not enough free space for the rest of the download.
    case diskFull(path: String, needed: Int64?, available: Int64?)
    /// A local file could not be written.
    case io(path: String, reason: String)
    /// Another process is downloading into the same directory.
    case busy(directory: String)
    /// The manifest and the server disagree on a file's size or sha256 (before downloading).
    case manifestServerMismatch(file: String, what: String, manifest: String, server: String)
    /// The downloaded bytes have the wrong size; the partial file was removed.
    case sizeMismatch(file: String, expected: Int64, got: Int64)
    /// The downloaded bytes do not hash to the expected sha256; the file was removed.
    case checksumMismatch(file: String, expected: String, got: String)

    public var description: String {
        switch self {
        case let .network(url, reason):
            return "network error downloading \(url): \(reason). Re-run the command to resume."
        case let .cannotConnect(url, reason):
            return "network error: cannot connect for \(url): \(reason). Check the network connection and the endpoint "
                + "(--endpoint, $BOOKVOX_HF_ENDPOINT), then re-run."
        case let .notFound(url, file):
            return "not found (HTTP 404): \(file) at \(url). Check the manifest's repo/revision/path or the --endpoint."
        case let .unauthorized(url, status):
            return "access denied (HTTP \(status)) for \(url). The repository may be gated or private: accept its terms "
                + "on the website and set HF_TOKEN to an access token."
        case let .httpStatus(url, status):
            return "unexpected HTTP \(status) from \(url). Re-run the command to retry."
        case let .diskFull(path, needed, available):
            var m = "disk full while writing \(path)"
            if let needed, let available { m += " (needs \(needed) more bytes, \(available) free)" }
            return m + ". Free some space (or use --dir on another disk) and re-run: the download resumes."
        case let .io(path, reason):
            return "cannot write \(path): \(reason)"
        case let .busy(dir):
            return "another `bookvox models download` is writing \(dir). Wait for it to finish (or stop it), then re-run."
        case let .manifestServerMismatch(file, what, manifest, server):
            return "\(file): the server reports \(what) \(server) but the manifest expects \(manifest). "
                + "The manifest or the pinned revision is wrong; nothing was downloaded for this file."
        case let .sizeMismatch(file, expected, got):
            return "\(file): downloaded \(got) bytes, expected \(expected); the partial file was removed. Re-run the command."
        case let .checksumMismatch(file, expected, got):
            return "\(file): checksum mismatch (sha256 \(got), expected \(expected)); the file was removed. Re-run the command."
        }
    }
}
