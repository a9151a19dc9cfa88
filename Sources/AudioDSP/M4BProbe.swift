// Reads an M4B/MP4 back through libavformat (and optionally decodes its audio with libavcodec): format,
// tags, chapters, streams and the attached cover. Used to check what M4BWriter wrote, as a player sees it.
import CFFmpeg
import Foundation

public struct M4BInfo: Sendable {
    public struct Chapter: Sendable, Equatable {
        public var title: String?
        /// Start and end in the chapter's time base.
        public var start: Int64
        public var end: Int64
        public var timeBase: (num: Int32, den: Int32)

        public var startSeconds: Double { Double(start) * Double(timeBase.num) / Double(timeBase.den) }
        public var endSeconds: Double { Double(end) * Double(timeBase.num) / Double(timeBase.den) }

        public static func == (a: Chapter, b: Chapter) -> Bool {
            a.title == b.title && a.start == b.start && a.end == b.end && a.timeBase == b.timeBase
        }
    }

    public var formatName: String
    public var durationSeconds: Double
    /// Container-level tags (libavformat keys: title, artist, album_artist, album, composer, date, genre, …).
    public var tags: [String: String]
    public var chapters: [Chapter]
    public var audioCodec: String?
    public var sampleRate: Int
    public var channels: Int
    /// Bytes of the attached picture (the cover), 0 when there is none.
    public var coverBytes: Int
    public var coverCodec: String?
    /// Samples the audio decodes to (encoder delay and padding removed as a player does); nil unless decoded.
    public var decodedSamples: Int64?
}

public enum M4BProbe {
    public static func read(path: String, decode: Bool = false) throws -> M4BInfo {
        av_log_set_level(AV_LOG_QUIET)  // failures come back as error codes
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        try M4BWriter.check("avformat_open_input \(path)", avformat_open_input(&ctx, path, nil, nil))
        defer { avformat_close_input(&ctx) }
        guard let fmt = ctx else { throw M4BWriterError.ffmpeg(call: "avformat_open_input", code: -1) }
        try M4BWriter.check("avformat_find_stream_info", avformat_find_stream_info(fmt, nil))

        var info = M4BInfo(formatName: String(cString: fmt.pointee.iformat.pointee.name),
                           durationSeconds: Double(fmt.pointee.duration) / Double(AV_TIME_BASE),
                           tags: dictionary(fmt.pointee.metadata), chapters: [], audioCodec: nil, sampleRate: 0, channels: 0,
                           coverBytes: 0, coverCodec: nil, decodedSamples: nil)
        for i in 0..<Int(fmt.pointee.nb_chapters) {
            guard let c = fmt.pointee.chapters[i] else { continue }
            info.chapters.append(.init(title: dictionary(c.pointee.metadata)["title"], start: c.pointee.start, end: c.pointee.end,
                                       timeBase: (c.pointee.time_base.num, c.pointee.time_base.den)))
        }
        var audioIndex: Int32 = -1
        for i in 0..<Int(fmt.pointee.nb_streams) {
            guard let s = fmt.pointee.streams[i] else { continue }
            let par = s.pointee.codecpar.pointee
            if s.pointee.disposition & Int32(AV_DISPOSITION_ATTACHED_PIC) != 0 {
                info.coverBytes = Int(s.pointee.attached_pic.size)
                info.coverCodec = String(cString: avcodec_get_name(par.codec_id))
            } else if par.codec_type == AVMEDIA_TYPE_AUDIO, audioIndex < 0 {
                audioIndex = Int32(i)
                info.audioCodec = String(cString: avcodec_get_name(par.codec_id))
                info.sampleRate = Int(par.sample_rate)
                info.channels = Int(par.ch_layout.nb_channels)
            }
        }
        if decode, audioIndex >= 0 { info.decodedSamples = try decodedSamples(fmt, stream: audioIndex) }
        return info
    }

    private static func decodedSamples(_ fmt: UnsafeMutablePointer<AVFormatContext>, stream index: Int32) throws -> Int64 {
        let par = fmt.pointee.streams[Int(index)]!.pointee.codecpar
        guard let codec = avcodec_find_decoder(par!.pointee.codec_id) else { throw M4BWriterError.encoderMissing("decoder") }
        var dec = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&dec) }
        try M4BWriter.check("avcodec_parameters_to_context", avcodec_parameters_to_context(dec, par))
        try M4BWriter.check("avcodec_open2", avcodec_open2(dec, codec, nil))
        var packet = av_packet_alloc()
        var frame = av_frame_alloc()
        defer { av_packet_free(&packet); av_frame_free(&frame) }
        var total: Int64 = 0
        func receive() throws {
            while true {
                let rc = avcodec_receive_frame(dec, frame)
                if rc == bv_averror_eagain() || rc == bv_averror_eof() { return }
                try M4BWriter.check("avcodec_receive_frame", rc)
                total += Int64(frame!.pointee.nb_samples)
            }
        }
        while av_read_frame(fmt, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet!.pointee.stream_index == index else { continue }
            try M4BWriter.check("avcodec_send_packet", avcodec_send_packet(dec, packet))
            try receive()
        }
        try M4BWriter.check("avcodec_send_packet (flush)", avcodec_send_packet(dec, nil))
        try receive()
        return total
    }

    private static func dictionary(_ dict: OpaquePointer?) -> [String: String] {
        var out: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while true {
            entry = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX)
            guard let e = entry else { break }
            out[String(cString: e.pointee.key)] = String(cString: e.pointee.value)
        }
        return out
    }
}
