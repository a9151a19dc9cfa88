// M4B audiobook writer through FFmpeg's libraries: mono AAC-LC from libavcodec's native `aac` encoder in
// libavformat's `ipod` flavour of the MP4 muxer (the M4A/M4B layout Apple Books, Audiobookshelf and most
// players expect), with
//   - chapter marks: AVChapters, which the muxer writes as a QuickTime chapter text track,
//   - iTunes-style tags (ilst): title, artist, album_artist, album, composer, date, genre, comment,
//     description, and media kind "Audiobook" (stik 2),
//   - the cover as an attached picture (`covr`, JPEG or PNG),
//   - the index (moov) moved to the front of the file (`movflags +faststart`) so players can stream it.
// Audio is appended in pieces (chapter by chapter), so a book never has to be in memory at once. Every
// timestamp is a 64-bit count of samples at 44.1 kHz (a 24 h book is 3.8e9 samples, past 32 bits).
// Bit-exact mode on the muxer and the encoder: no encoder version string and no creation time, so the same
// audio, chapters, tags and cover give the same bytes.
import CFFmpeg
import Foundation
import Logging

public enum M4BWriterError: Error, CustomStringConvertible {
    case ffmpeg(call: String, code: Int32)
    case encoderMissing(String)
    case invalidBitrate(Int)
    case invalidChapters(String)
    case lengthMismatch(expected: Int64, got: Int64)
    case unsupportedCover(String)

    public var description: String {
        switch self {
        case let .ffmpeg(call, code):
            return "FFmpeg \(call) failed: \(M4BWriter.errorText(code)) (code \(code))"
        case let .encoderMissing(name):
            return "FFmpeg's libavcodec has no '\(name)' encoder; install the distribution's libavcodec (scripts/install-deps.sh)"
        case let .invalidBitrate(b):
            return "unsupported AAC bitrate \(b) kbps; use one of \(M4BWriter.validBitrates.map(String.init).joined(separator: ", "))"
        case let .invalidChapters(why):
            return "invalid M4B chapter marks: \(why)"
        case let .lengthMismatch(e, g):
            return "the M4B was declared with \(e) samples of audio but \(g) were appended; its chapter marks would be wrong"
        case let .unsupportedCover(why):
            return "unsupported cover image: \(why); use a JPEG or PNG file"
        }
    }
}

/// A chapter mark: where the chapter starts, in samples at 44.1 kHz from the start of the book.
public struct M4BChapter: Sendable, Equatable {
    public var title: String
    public var startSample: Int64

    public init(title: String, startSample: Int64) {
        self.title = title
        self.startSample = startSample
    }
}

/// Book-level tags (Audiobookshelf conventions: author as artist and album artist, narrator as composer).
public struct M4BTags: Sendable, Equatable {
    public var title: String
    public var artist: String?
    public var albumArtist: String?
    public var album: String?
    public var composer: String?
    public var date: String?
    public var genre: String?
    public var comment: String?
    public var description: String?

    public init(title: String, artist: String? = nil, albumArtist: String? = nil, album: String? = nil, composer: String? = nil,
                date: String? = nil, genre: String? = nil, comment: String? = nil, description: String? = nil) {
        self.title = title
        self.artist = artist
        self.albumArtist = albumArtist
        self.album = album
        self.composer = composer
        self.date = date
        self.genre = genre
        self.comment = comment
        self.description = description
    }

    /// libavformat metadata keys → values, as the MP4 muxer maps them to iTunes atoms.
    public var dictionary: [(String, String)] {
        let pairs: [(String, String?)] = [
            ("title", title), ("artist", artist), ("album_artist", albumArtist), ("album", album), ("composer", composer),
            ("date", date), ("genre", genre), ("comment", comment), ("description", description),
            ("media_type", "2"),  // stik: Audiobook
        ]
        return pairs.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : (k, $0) } }
    }
}

/// A cover picture; its kind and size are read from the bytes (PNG IHDR, JPEG SOF marker).
public struct M4BCover: Sendable, Equatable {
    public enum Kind: String, Sendable { case jpeg, png }
    public var data: Data
    public var kind: Kind
    public var width: Int
    public var height: Int

    public init(data: Data) throws {
        let b = [UInt8](data)
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        if b.count >= 24, Array(b[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array(b[12..<16]) == Array("IHDR".utf8) {
            kind = .png
            width = be16(16) << 16 | be16(18)
            height = be16(20) << 16 | be16(22)
        } else if b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 {
            kind = .jpeg
            var size: (Int, Int)?
            var i = 2
            while i + 3 < b.count, size == nil {
                guard b[i] == 0xFF else { break }
                let marker = b[i + 1]
                if marker == 0xFF { i += 1; continue }
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    if i + 8 < b.count { size = (be16(i + 7), be16(i + 5)) }
                    break
                }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
                i += 2 + be16(i + 2)
            }
            guard let size else { throw M4BWriterError.unsupportedCover("the JPEG has no frame header (SOF) giving its size") }
            (width, height) = size
        } else {
            throw M4BWriterError.unsupportedCover("the file starts with neither the JPEG nor the PNG signature")
        }
        guard width > 0, height > 0 else { throw M4BWriterError.unsupportedCover("the image is \(width)×\(height) pixels") }
        self.data = data
    }
}

public final class M4BWriter {
    public static let sampleRate = 44_100
    public static let defaultBitrateKbps = 64
    /// Bitrates offered for mono AAC-LC at 44.1 kHz.
    public static let validBitrates = [32, 48, 64, 80, 96, 128, 160, 192]
    private static let logger = Logger(label: "bookvox.audiodsp.m4b")

    private var fmt: UnsafeMutablePointer<AVFormatContext>?
    private var enc: UnsafeMutablePointer<AVCodecContext>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var ioOpen = false
    // Every stored property has a value before the first call that can fail, so a failed init still runs deinit.
    private var streamIndex: Int32 = 0
    private var frameSize = 1024
    private let expectedSamples: Int64
    /// Samples appended but not yet sent to the encoder (less than one frame).
    private var pending: [Float] = []
    private var sentSamples: Int64 = 0
    private var appendedSamples: Int64 = 0
    private var finished = false

    /// Opens `path` for an M4B of exactly `totalSamples` mono samples at 44.1 kHz. `chapters` must start in
    /// strictly increasing order within the audio; each ends where the next starts, the last at the end.
    public init(path: String, totalSamples: Int64, chapters: [M4BChapter], tags: M4BTags, cover: M4BCover?,
                bitrateKbps: Int = M4BWriter.defaultBitrateKbps) throws {
        guard Self.validBitrates.contains(bitrateKbps) else { throw M4BWriterError.invalidBitrate(bitrateKbps) }
        try Self.validate(chapters, totalSamples: totalSamples)
        expectedSamples = totalSamples
        // Failures come back as error codes (reported in M4BWriterError); FFmpeg's own stderr log stays quiet.
        av_log_set_level(AV_LOG_QUIET)
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        try Self.check("avformat_alloc_output_context2", avformat_alloc_output_context2(&ctx, nil, "ipod", path))
        fmt = ctx
        guard let fmt = ctx else { throw M4BWriterError.ffmpeg(call: "avformat_alloc_output_context2", code: -1) }
        fmt.pointee.flags |= AVFMT_FLAG_BITEXACT

        guard let codec = avcodec_find_encoder_by_name("aac") else { throw M4BWriterError.encoderMissing("aac") }
        guard let stream = avformat_new_stream(fmt, nil) else { throw M4BWriterError.ffmpeg(call: "avformat_new_stream", code: -1) }
        streamIndex = stream.pointee.index
        guard let enc = avcodec_alloc_context3(codec) else { throw M4BWriterError.ffmpeg(call: "avcodec_alloc_context3", code: -1) }
        self.enc = enc
        enc.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        enc.pointee.sample_rate = Int32(Self.sampleRate)
        av_channel_layout_default(&enc.pointee.ch_layout, 1)
        enc.pointee.bit_rate = Int64(bitrateKbps) * 1000
        enc.pointee.time_base = AVRational(num: 1, den: Int32(Self.sampleRate))
        enc.pointee.flags |= Int32(AV_CODEC_FLAG_BITEXACT)
        if fmt.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 { enc.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try Self.check("avcodec_open2", avcodec_open2(enc, codec, nil))
        frameSize = Int(enc.pointee.frame_size)
        try Self.check("avcodec_parameters_from_context", avcodec_parameters_from_context(stream.pointee.codecpar, enc))
        stream.pointee.time_base = enc.pointee.time_base

        var coverStream: UnsafeMutablePointer<AVStream>?
        if let cover {
            guard let s = avformat_new_stream(fmt, nil) else { throw M4BWriterError.ffmpeg(call: "avformat_new_stream", code: -1) }
            s.pointee.codecpar.pointee.codec_type = AVMEDIA_TYPE_VIDEO
            s.pointee.codecpar.pointee.codec_id = cover.kind == .jpeg ? AV_CODEC_ID_MJPEG : AV_CODEC_ID_PNG
            s.pointee.codecpar.pointee.width = Int32(cover.width)
            s.pointee.codecpar.pointee.height = Int32(cover.height)
            s.pointee.disposition = Int32(AV_DISPOSITION_ATTACHED_PIC)
            s.pointee.time_base = AVRational(num: 1, den: 90_000)
            coverStream = s
        }

        for (key, value) in tags.dictionary { av_dict_set(&fmt.pointee.metadata, key, value, 0) }
        try Self.addChapters(chapters, totalSamples: totalSamples, to: fmt)

        try Self.check("avio_open \(path)", avio_open(&fmt.pointee.pb, path, AVIO_FLAG_WRITE))
        ioOpen = true
        var options: OpaquePointer?
        av_dict_set(&options, "movflags", "+faststart", 0)
        defer { av_dict_free(&options) }
        try Self.check("avformat_write_header", avformat_write_header(fmt, &options))

        guard let frame = av_frame_alloc(), let packet = av_packet_alloc() else {
            throw M4BWriterError.ffmpeg(call: "av_frame_alloc", code: -1)
        }
        self.frame = frame
        self.packet = packet
        if let cover, let coverStream { try writeCover(cover, stream: coverStream) }
    }

    deinit { close() }

    /// Appends mono samples at 44.1 kHz (whole frames are encoded straight from `samples`; only a partial
    /// frame is kept).
    public func append(_ samples: [Float]) throws {
        precondition(!finished, "append after finish")
        appendedSamples += Int64(samples.count)
        guard appendedSamples <= expectedSamples else {
            throw M4BWriterError.lengthMismatch(expected: expectedSamples, got: appendedSamples)
        }
        var offset = 0
        if !pending.isEmpty {
            let take = min(frameSize - pending.count, samples.count)
            pending.append(contentsOf: samples[0..<take])
            offset = take
            guard pending.count == frameSize else { return }
            try encodeFrame(pending, from: 0, count: frameSize)
            pending.removeAll(keepingCapacity: true)
        }
        while samples.count - offset >= frameSize {
            try encodeFrame(samples, from: offset, count: frameSize)
            offset += frameSize
        }
        pending.append(contentsOf: samples[offset...])
    }

    /// Encodes the rest, writes the index (moved to the front) and closes the file.
    public func finish() throws {
        precondition(!finished, "finish twice")
        guard appendedSamples == expectedSamples else {
            throw M4BWriterError.lengthMismatch(expected: expectedSamples, got: appendedSamples)
        }
        if !pending.isEmpty { try encodeFrame(pending, from: 0, count: pending.count) }
        pending = []
        try Self.check("avcodec_send_frame (flush)", avcodec_send_frame(enc, nil))
        try drain()
        try Self.check("av_write_trailer", av_write_trailer(fmt))
        finished = true
        Self.logger.debug("wrote M4B: \(expectedSamples) samples")
        close()
    }

    private func encodeFrame(_ source: [Float], from offset: Int, count: Int) throws {
        guard let frame else { return }
        if count < frameSize {
            // The last, short frame (the AAC encoder accepts one): a buffer of its own size.
            av_frame_unref(frame)
            frame.pointee.nb_samples = Int32(count)
            frame.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            try Self.check("av_channel_layout_copy", av_channel_layout_copy(&frame.pointee.ch_layout, &enc!.pointee.ch_layout))
            try Self.check("av_frame_get_buffer", av_frame_get_buffer(frame, 0))
        } else if frame.pointee.nb_samples != Int32(frameSize) {
            frame.pointee.nb_samples = Int32(frameSize)
            frame.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            try Self.check("av_channel_layout_copy", av_channel_layout_copy(&frame.pointee.ch_layout, &enc!.pointee.ch_layout))
            try Self.check("av_frame_get_buffer", av_frame_get_buffer(frame, 0))
        }
        try Self.check("av_frame_make_writable", av_frame_make_writable(frame))
        guard let plane = frame.pointee.data.0 else { throw M4BWriterError.ffmpeg(call: "av_frame_get_buffer", code: -1) }
        plane.withMemoryRebound(to: Float.self, capacity: count) { dst in
            source.withUnsafeBufferPointer { src in dst.update(from: src.baseAddress! + offset, count: count) }
        }
        frame.pointee.pts = sentSamples
        sentSamples += Int64(count)
        try Self.check("avcodec_send_frame", avcodec_send_frame(enc, frame))
        try drain()
    }

    /// Writes every packet the encoder has ready.
    private func drain() throws {
        guard let enc, let packet, let fmt else { return }
        let stream = fmt.pointee.streams[Int(streamIndex)]!
        while true {
            let rc = avcodec_receive_packet(enc, packet)
            if rc == bv_averror_eagain() || rc == bv_averror_eof() { return }
            try Self.check("avcodec_receive_packet", rc)
            av_packet_rescale_ts(packet, enc.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = streamIndex
            let wrc = av_write_frame(fmt, packet)
            av_packet_unref(packet)
            try Self.check("av_write_frame", wrc)
        }
    }

    private func writeCover(_ cover: M4BCover, stream: UnsafeMutablePointer<AVStream>) throws {
        guard let packet, let fmt else { return }
        try Self.check("av_new_packet", av_new_packet(packet, Int32(cover.data.count)))
        cover.data.withUnsafeBytes { raw in packet.pointee.data.update(from: raw.bindMemory(to: UInt8.self).baseAddress!, count: cover.data.count) }
        packet.pointee.stream_index = stream.pointee.index
        packet.pointee.flags |= AV_PKT_FLAG_KEY
        packet.pointee.pts = 0
        packet.pointee.dts = 0
        let rc = av_write_frame(fmt, packet)
        av_packet_unref(packet)
        try Self.check("av_write_frame (cover)", rc)
    }

    private func close() {
        if let fmt, ioOpen { avio_closep(&fmt.pointee.pb) }
        ioOpen = false
        if fmt != nil { avformat_free_context(fmt) }
        fmt = nil
        if enc != nil { avcodec_free_context(&enc) }
        if frame != nil { av_frame_free(&frame) }
        if packet != nil { av_packet_free(&packet) }
    }

    static func validate(_ chapters: [M4BChapter], totalSamples: Int64) throws {
        guard totalSamples > 0 else { throw M4BWriterError.invalidChapters("the book has no audio") }
        var previous: Int64 = -1
        for (i, c) in chapters.enumerated() {
            guard c.startSample > previous, c.startSample < totalSamples else {
                throw M4BWriterError.invalidChapters("chapter \(i + 1) ('\(c.title)') starts at sample \(c.startSample), "
                    + "expected after \(max(previous, 0)) and before the end (\(totalSamples))")
            }
            previous = c.startSample
        }
    }

    /// The chapters as AVChapters (time base 1/44100; each ends where the next starts). The format context
    /// owns and frees them.
    private static func addChapters(_ chapters: [M4BChapter], totalSamples: Int64,
                                    to fmt: UnsafeMutablePointer<AVFormatContext>) throws {
        guard !chapters.isEmpty else { return }
        let size = MemoryLayout<UnsafeMutablePointer<AVChapter>?>.stride
        guard let raw = av_malloc_array(chapters.count, size) else { throw M4BWriterError.ffmpeg(call: "av_malloc_array", code: -1) }
        let list = raw.bindMemory(to: UnsafeMutablePointer<AVChapter>?.self, capacity: chapters.count)
        for i in 0..<chapters.count { list[i] = nil }
        fmt.pointee.chapters = list
        for (i, c) in chapters.enumerated() {
            guard let mem = av_mallocz(MemoryLayout<AVChapter>.stride) else { throw M4BWriterError.ffmpeg(call: "av_mallocz", code: -1) }
            let ch = mem.bindMemory(to: AVChapter.self, capacity: 1)
            ch.pointee.id = Int64(i + 1)
            ch.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
            ch.pointee.start = c.startSample
            ch.pointee.end = i + 1 < chapters.count ? chapters[i + 1].startSample : totalSamples
            av_dict_set(&ch.pointee.metadata, "title", c.title, 0)
            list[i] = ch
            fmt.pointee.nb_chapters = UInt32(i + 1)
        }
    }

    static func check(_ call: String, _ rc: Int32) throws {
        guard rc >= 0 else { throw M4BWriterError.ffmpeg(call: call, code: rc) }
    }

    static func errorText(_ code: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        _ = av_strerror(code, &buf, buf.count)
        return String(cString: buf)
    }
}
