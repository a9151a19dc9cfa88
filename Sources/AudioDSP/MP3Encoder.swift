// MP3 export through LAME: CBR, mono, 44.1 kHz in and out, ID3v2 tags only.
//
// Layout of the returned bytes: the ID3v2.3 tag (TIT2, TALB, TPE1, TRCK), then LAME's
// Info/LAME-tag frame (LAME writes an empty one at the start of the stream, which is
// replaced after the flush with lame_get_lametag_frame, so decoders know the encoder delay
// and padding and can return exactly the input length), then the audio frames.
// Text that fits ISO-8859-1 is stored as Latin-1, anything else as UTF-16 with a BOM.
// The input must already be at 44.1 kHz: resample first with `Resampler`.
import CLame
import Foundation
import Logging

public enum MP3EncoderError: Error, CustomStringConvertible {
    case wrongSampleRate(found: Int)
    case invalidBitrate(Int)
    case invalidTag(field: String, code: Int32)
    case lame(call: String, code: Int)
    case notTagged(detail: String)

    public var description: String {
        switch self {
        case let .wrongSampleRate(f):
            return "MP3 encoding needs 44100 Hz audio but got \(f) Hz; resample it first with Resampler.resample(_:to: 44100)"
        case let .invalidBitrate(b):
            return "unsupported MP3 bitrate \(b) kbps; use one of \(MP3Encoder.validBitrates.map(String.init).joined(separator: ", "))"
        case let .invalidTag(f, c):
            return "LAME rejected the ID3 \(f) tag (code \(c))"
        case let .lame(call, code):
            return "LAME \(call) failed with code \(code)"
        case let .notTagged(detail):
            return "not an MP3 file as bookvox writes it (an ID3v2 tag, then the stream): \(detail)"
        }
    }
}

public enum MP3Encoder {
    public static let sampleRate = 44_100
    /// MPEG-1 Layer III bitrates.
    public static let validBitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    private static let logger = Logger(label: "bookvox.audiodsp.mp3")
    private static let chunk = 1152 * 64

    /// Encodes mono 44.1 kHz `buffer` as a constant-bitrate MP3 file image with ID3v2 `tags`.
    public static func encode(_ buffer: AudioBuffer, bitrateKbps: Int = 192, tags: ID3Tags) throws -> Data {
        guard buffer.sampleRate == sampleRate else { throw MP3EncoderError.wrongSampleRate(found: buffer.sampleRate) }
        guard validBitrates.contains(bitrateKbps) else { throw MP3EncoderError.invalidBitrate(bitrateKbps) }
        let gfp = try configured(bitrateKbps: bitrateKbps, tags: tags)
        defer { lame_close(gfp) }
        let id3 = try id3v2Tag(gfp)
        var stream = Data()
        stream.reserveCapacity(buffer.samples.count * bitrateKbps / 8 * 1000 / sampleRate + 16_384)
        var mp3buf = [UInt8](repeating: 0, count: chunk * 5 / 4 + 7200)
        var offset = 0
        while offset < buffer.samples.count {
            let n = min(chunk, buffer.samples.count - offset)
            let bytes = buffer.samples.withUnsafeBufferPointer { pcm in
                mp3buf.withUnsafeMutableBufferPointer { out in
                    lame_encode_buffer_ieee_float(gfp, pcm.baseAddress! + offset, pcm.baseAddress! + offset, Int32(n),
                                                  out.baseAddress, Int32(out.count))
                }
            }
            guard bytes >= 0 else { throw MP3EncoderError.lame(call: "lame_encode_buffer_ieee_float", code: Int(bytes)) }
            stream.append(contentsOf: mp3buf[0..<Int(bytes)])
            offset += n
        }
        let flushed = mp3buf.withUnsafeMutableBufferPointer { lame_encode_flush(gfp, $0.baseAddress, Int32($0.count)) }
        guard flushed >= 0 else { throw MP3EncoderError.lame(call: "lame_encode_flush", code: Int(flushed)) }
        stream.append(contentsOf: mp3buf[0..<Int(flushed)])

        // Overwrite LAME's empty first frame with the final Info/LAME tag.
        var tagFrame = [UInt8](repeating: 0, count: 2880)
        let tagSize = tagFrame.withUnsafeMutableBufferPointer { lame_get_lametag_frame(gfp, $0.baseAddress, $0.count) }
        if tagSize > tagFrame.count || tagSize > stream.count {
            throw MP3EncoderError.lame(call: "lame_get_lametag_frame", code: Int(tagSize))
        }
        if tagSize > 0 { stream.replaceSubrange(0..<tagSize, with: tagFrame[0..<tagSize]) }

        logger.debug("encoded \(buffer.samples.count) samples → \(stream.count) bytes MP3 + \(id3.count) bytes ID3v2")
        return id3 + stream
    }

    /// `mp3` (a file image `encode` wrote) with its ID3v2 tag replaced by the tag `encode` writes for `tags`.
    /// The stream after the tag is kept byte for byte (it does not depend on the tags), so the result equals
    /// `encode` of the same audio with `tags`: a chapter that only moved is re-tagged, not encoded again.
    public static func retag(_ mp3: Data, bitrateKbps: Int, tags: ID3Tags) throws -> Data {
        guard validBitrates.contains(bitrateKbps) else { throw MP3EncoderError.invalidBitrate(bitrateKbps) }
        let old = try id3v2Length(mp3)
        let gfp = try configured(bitrateKbps: bitrateKbps, tags: tags)
        defer { lame_close(gfp) }
        return try id3v2Tag(gfp) + mp3.subdata(in: (mp3.startIndex + old)..<mp3.endIndex)
    }

    /// Bytes of the ID3v2 tag at the start of `data` (header, body and footer).
    static func id3v2Length(_ data: Data) throws -> Int {
        let h = [UInt8](data.prefix(10))
        guard h.count == 10, h[0] == 0x49, h[1] == 0x44, h[2] == 0x33 else {
            throw MP3EncoderError.notTagged(detail: "it does not start with an ID3v2 header")
        }
        guard h[6...9].allSatisfy({ $0 < 0x80 }) else { throw MP3EncoderError.notTagged(detail: "the ID3v2 size is not syncsafe") }
        let body = h[6...9].reduce(0) { $0 << 7 | Int($1) }
        let total = 10 + body + (h[5] & 0x10 != 0 ? 10 : 0)
        guard total < data.count else {
            throw MP3EncoderError.notTagged(detail: "the ID3v2 tag claims \(total) bytes of a \(data.count)-byte file")
        }
        return total
    }

    /// A LAME encoder set up as every export uses it: CBR mono 44.1 kHz, ID3v2-only `tags` (the caller closes it).
    private static func configured(bitrateKbps: Int, tags: ID3Tags) throws -> lame_t {
        guard let gfp = lame_init() else { throw MP3EncoderError.lame(call: "lame_init", code: -1) }
        do {
            try check("lame_set_in_samplerate", lame_set_in_samplerate(gfp, Int32(sampleRate)))
            try check("lame_set_out_samplerate", lame_set_out_samplerate(gfp, Int32(sampleRate)))
            try check("lame_set_num_channels", lame_set_num_channels(gfp, 1))
            try check("lame_set_mode", lame_set_mode(gfp, MONO))
            try check("lame_set_VBR", lame_set_VBR(gfp, vbr_off))
            try check("lame_set_brate", lame_set_brate(gfp, Int32(bitrateKbps)))
            try check("lame_set_quality", lame_set_quality(gfp, 2))
            try check("lame_set_bWriteVbrTag", lame_set_bWriteVbrTag(gfp, 1))

            id3tag_init(gfp)
            id3tag_add_v2(gfp)
            id3tag_v2_only(gfp)
            try setText(gfp, frame: "TIT2", field: "title", tags.title)
            try setText(gfp, frame: "TALB", field: "album", tags.album)
            try setText(gfp, frame: "TPE1", field: "artist", tags.artist)
            // id3tag_set_track returns -1 when the number is outside ID3v1's range: irrelevant for v2-only tags.
            _ = id3tag_set_track(gfp, tags.trackText)
            lame_set_write_id3tag_automatic(gfp, 0)

            let rc = lame_init_params(gfp)
            guard rc >= 0 else { throw MP3EncoderError.lame(call: "lame_init_params", code: Int(rc)) }
            return gfp
        } catch {
            lame_close(gfp)
            throw error
        }
    }

    private static func check(_ call: String, _ rc: Int32) throws {
        guard rc == 0 else { throw MP3EncoderError.lame(call: call, code: Int(rc)) }
    }

    private static func id3v2Tag(_ gfp: lame_t) throws -> Data {
        var size = 16_384
        while true {
            var buf = [UInt8](repeating: 0, count: size)
            let needed = buf.withUnsafeMutableBufferPointer { lame_get_id3v2_tag(gfp, $0.baseAddress, $0.count) }
            if needed <= size { return Data(buf[0..<needed]) }
            guard needed > size, size < 1 << 24 else { throw MP3EncoderError.lame(call: "lame_get_id3v2_tag", code: needed) }
            size = needed
        }
    }

    /// Sets one text frame, as Latin-1 when every scalar fits ISO-8859-1, else as UTF-16 with a BOM.
    private static func setText(_ gfp: lame_t, frame: String, field: String, _ text: String) throws {
        guard !text.isEmpty else { return }
        let rc: Int32
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0xFF }) {
            var latin1 = text.unicodeScalars.map { CChar(bitPattern: UInt8($0.value)) }
            latin1.append(0)
            rc = id3tag_set_textinfo_latin1(gfp, frame, latin1)
        } else {
            var utf16: [UInt16] = [0xFEFF]
            utf16.append(contentsOf: text.utf16)
            utf16.append(0)
            rc = id3tag_set_textinfo_utf16(gfp, frame, utf16)
        }
        guard rc == 0 else { throw MP3EncoderError.invalidTag(field: field, code: rc) }
    }
}
