// Audio file I/O through libsndfile: read any format the installed libsndfile decodes
// (WAV, FLAC, Ogg/Vorbis, AIFF, and MP3 where it was built with mpg123) as mono Float32 at
// the file's native rate; write WAV (16-bit or float) or FLAC.
//
// Reading mixes all channels down to mono by averaging them. Writing goes to exactly the
// path given (callers do temp-file → fsync → rename themselves); every libsndfile write
// count and the sf_close status are checked, so a full disk is reported, never ignored.
// A failed write may leave a partial file at the path: the caller owns its cleanup.
import CSndfile
import Foundation
import Logging

public enum AudioFile {
    private static let logger = Logger(label: "bookvox.audiodsp.audiofile")
    /// libsndfile reports sf_open failures through process-global state; opening under one
    /// lock keeps the error message paired with the open that produced it.
    private static let openLock = NSLock()
    private static let chunkFrames = 65_536

    /// Reads the file at `path` and returns its audio as mono Float32 at its own sample rate.
    public static func read(path: String) throws -> AudioBuffer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioFileError.notFound(path: path)
        }
        if isDirectory.boolValue { throw AudioFileError.unreadable(path: path, detail: "it is a directory, not a file") }
        guard access(path, R_OK) == 0 else {
            throw AudioFileError.unreadable(path: path, detail: String(cString: strerror(errno)))
        }

        var info = SF_INFO()
        let file: OpaquePointer = try openLock.withLock {
            guard let f = sf_open(path, Int32(SFM_READ), &info) else {
                let code = sf_error(nil)
                let detail = String(cString: sf_strerror(nil))
                switch Int(code) {
                case SF_ERR_UNRECOGNISED_FORMAT, SF_ERR_MALFORMED_FILE, SF_ERR_UNSUPPORTED_ENCODING:
                    throw AudioFileError.unsupportedFormat(path: path, detail: detail)
                default:
                    throw AudioFileError.unreadable(path: path, detail: detail)
                }
            }
            return f
        }
        defer { sf_close(file) }

        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else {
            throw AudioFileError.unsupportedFormat(
                path: path, detail: "libsndfile reports \(channels) channels at \(info.samplerate) Hz")
        }
        var mono: [Float] = []
        if info.frames > 0, info.frames < Int64(Int32.max) { mono.reserveCapacity(Int(info.frames)) }
        var chunk = [Float](repeating: 0, count: chunkFrames * channels)
        while true {
            let got = chunk.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(chunkFrames)) }
            if got <= 0 { break }
            let frames = Int(got)
            if channels == 1 {
                mono.append(contentsOf: chunk[0..<frames])
            } else {
                let scale = 1 / Float(channels)
                for f in 0..<frames {
                    var sum: Float = 0
                    for c in 0..<channels { sum += chunk[f * channels + c] }
                    mono.append(sum * scale)
                }
            }
        }
        let status = sf_error(file)
        if status != Int32(SF_ERR_NO_ERROR) {
            throw AudioFileError.unreadable(path: path, detail: String(cString: sf_strerror(file)))
        }
        logger.debug("read \(path): \(mono.count) frames, \(channels) ch → mono, \(info.samplerate) Hz")
        return AudioBuffer(samples: mono, sampleRate: Int(info.samplerate))
    }

    /// Writes `buffer` (mono) to exactly `path` in `format`, replacing any file there.
    /// Writes `buffer` to `path`. With `tags`, formats that carry metadata (FLAC: Vorbis comments) get the
    /// title, album, artist and track number.
    public static func write(_ buffer: AudioBuffer, to path: String, format: AudioFileFormat, tags: ID3Tags? = nil) throws {
        guard buffer.sampleRate > 0 else {
            throw AudioFileError.invalidBuffer(path: path, detail: "sample rate is \(buffer.sampleRate) Hz; expected > 0")
        }
        if let bad = buffer.samples.firstIndex(where: { !$0.isFinite }) {
            throw AudioFileError.invalidBuffer(
                path: path, detail: "sample \(bad) is \(buffer.samples[bad]); audio must be finite (an upstream stage produced NaN/Inf)")
        }
        var info = SF_INFO()
        info.samplerate = Int32(buffer.sampleRate)
        info.channels = 1
        info.format = format.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw AudioFileError.invalidBuffer(
                path: path, detail: "libsndfile cannot store \(format.rawValue) at \(buffer.sampleRate) Hz")
        }
        let file: OpaquePointer = try openLock.withLock {
            guard let f = sf_open(path, Int32(SFM_WRITE), &info) else {
                throw writeError(path: path, errnoValue: errno, detail: String(cString: sf_strerror(nil)))
            }
            return f
        }
        if format.needsClipping { sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE)) }
        // Float WAVs get a PEAK chunk holding the current time by default: off, so equal audio gives equal bytes.
        sf_command(file, Int32(SFC_SET_ADD_PEAK_CHUNK), nil, Int32(SF_FALSE))
        // Set before the first frame: libsndfile writes FLAC's VORBIS_COMMENT block with the header.
        if let tags { setTags(file, tags) }

        var offset = 0
        let total = buffer.samples.count
        while offset < total {
            let n = min(chunkFrames, total - offset)
            let wrote = buffer.samples.withUnsafeBufferPointer {
                sf_writef_float(file, $0.baseAddress! + offset, sf_count_t(n))
            }
            if wrote != sf_count_t(n) {
                let e = errno
                let detail = String(cString: sf_strerror(file))
                sf_close(file)
                throw writeError(path: path, errnoValue: e, detail: "wrote \(max(0, wrote)) of \(n) frames: \(detail)")
            }
            offset += n
        }
        let closeStatus = sf_close(file)
        if closeStatus != 0 {
            let e = errno
            throw writeError(path: path, errnoValue: e, detail: "closing the file failed: \(String(cString: sf_error_number(closeStatus)))")
        }
        logger.debug("wrote \(path): \(total) frames, \(buffer.sampleRate) Hz, \(format.rawValue)")
    }

    /// Copies the audio of the `format` file at `source` to `path` with `tags`, sample for sample: the frames
    /// are read and written as 32-bit integers, so 16-bit audio goes through unchanged and the result equals
    /// what `write` produced for the same audio with these tags (libsndfile's encoders are deterministic).
    public static func rewrite(from source: String, to path: String, format: AudioFileFormat, tags: ID3Tags? = nil) throws {
        var inInfo = SF_INFO()
        let input: OpaquePointer = try openLock.withLock {
            guard let f = sf_open(source, Int32(SFM_READ), &inInfo) else {
                throw AudioFileError.unreadable(path: source, detail: String(cString: sf_strerror(nil)))
            }
            return f
        }
        defer { sf_close(input) }
        guard format != .wavFloat, inInfo.format == format.sndfileFormat, inInfo.channels == 1 else {
            throw AudioFileError.unsupportedFormat(path: source, detail: "it is not a mono \(format.rawValue) file as bookvox writes it")
        }
        var info = SF_INFO()
        info.samplerate = inInfo.samplerate
        info.channels = 1
        info.format = inInfo.format
        let file: OpaquePointer = try openLock.withLock {
            guard let f = sf_open(path, Int32(SFM_WRITE), &info) else {
                throw writeError(path: path, errnoValue: errno, detail: String(cString: sf_strerror(nil)))
            }
            return f
        }
        sf_command(file, Int32(SFC_SET_ADD_PEAK_CHUNK), nil, Int32(SF_FALSE))
        if let tags { setTags(file, tags) }
        var chunk = [Int32](repeating: 0, count: chunkFrames)
        var copied: Int64 = 0
        while true {
            let got = chunk.withUnsafeMutableBufferPointer { sf_readf_int(input, $0.baseAddress, sf_count_t(chunkFrames)) }
            if got <= 0 { break }
            let wrote = chunk.withUnsafeBufferPointer { sf_writef_int(file, $0.baseAddress, got) }
            if wrote != got {
                let e = errno
                let detail = String(cString: sf_strerror(file))
                sf_close(file)
                throw writeError(path: path, errnoValue: e, detail: "wrote \(max(0, wrote)) of \(got) frames: \(detail)")
            }
            copied += Int64(got)
        }
        guard sf_error(input) == Int32(SF_ERR_NO_ERROR), copied == inInfo.frames else {
            let detail = sf_error(input) == Int32(SF_ERR_NO_ERROR) ? "read \(copied) of \(inInfo.frames) frames" : String(cString: sf_strerror(input))
            sf_close(file)
            throw AudioFileError.unreadable(path: source, detail: detail)
        }
        let closeStatus = sf_close(file)
        if closeStatus != 0 {
            throw writeError(path: path, errnoValue: errno, detail: "closing the file failed: \(String(cString: sf_error_number(closeStatus)))")
        }
    }

    /// Sets the tags libsndfile stores (FLAC: Vorbis comments); call before the first frame is written.
    private static func setTags(_ file: OpaquePointer, _ tags: ID3Tags) {
        for (field, value) in [(SF_STR_TITLE, tags.title), (SF_STR_ALBUM, tags.album), (SF_STR_ARTIST, tags.artist),
                               (SF_STR_TRACKNUMBER, tags.trackText)] where !value.isEmpty {
            sf_set_string(file, Int32(field), value)
        }
    }

    /// The title, album, artist and track number a file carries (FLAC Vorbis comments), empty when none.
    public static func readTags(path: String) throws -> [String: String] {
        var info = SF_INFO()
        let file: OpaquePointer = try openLock.withLock {
            guard let f = sf_open(path, Int32(SFM_READ), &info) else {
                throw AudioFileError.unreadable(path: path, detail: String(cString: sf_strerror(nil)))
            }
            return f
        }
        defer { sf_close(file) }
        var out: [String: String] = [:]
        for (name, field) in [("title", SF_STR_TITLE), ("album", SF_STR_ALBUM), ("artist", SF_STR_ARTIST),
                              ("track", SF_STR_TRACKNUMBER)] {
            if let p = sf_get_string(file, Int32(field)) { out[name] = String(cString: p) }
        }
        return out
    }

    private static func writeError(path: String, errnoValue: Int32, detail: String) -> AudioFileError {
        if errnoValue == ENOSPC || errnoValue == EDQUOT || detail.contains("No space left") {
            return .diskFull(path: path)
        }
        return .writeFailed(path: path, detail: detail)
    }
}
