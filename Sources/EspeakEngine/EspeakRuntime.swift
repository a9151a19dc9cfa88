// The process-wide espeak-ng library state, initialized once and used under one lock.
//
// espeak-ng keeps its synthesis state in globals (wave phase, echo buffer, flutter index,
// breath-noise resonators, rand()), so the audio for a sentence depends on everything
// synthesized before it in the same process. To make each sentence's samples a function
// of (text, voice, rate) alone, the library is initialized once in this process and never
// synthesizes here: every synthesis runs in a fork()ed child, which starts from that same
// pristine post-initialization state, seeds rand() with a fixed constant, streams its
// 16-bit samples back through a pipe and exits with _exit. The child executes only C calls
// and the C callback below (no Swift allocation), which is safe after fork in a
// multithreaded parent on glibc and Darwin.
import CEspeakNG
import CEspeakSilentOutput
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Called by espeak-ng in the child with each block of samples; `user_data` carries the
/// pipe's write descriptor plus one. Returns 1 (abort) when the pipe cannot be written.
private let writeSamplesToPipe: @convention(c) (UnsafeMutablePointer<Int16>?, Int32, UnsafeMutablePointer<espeak_EVENT>?) -> Int32 = {
    wav, count, events in
    guard let wav, count > 0, let events else { return 0 }
    let fd = Int32(Int(bitPattern: events.pointee.user_data) - 1)
    var remaining = Int(count) * MemoryLayout<Int16>.size
    var p = UnsafeRawPointer(wav)
    while remaining > 0 {
        let n = write(fd, p, remaining)
        if n < 0 {
            if errno == EINTR { continue }
            return 1
        }
        remaining -= n
        p += n
    }
    return 0
}

#if canImport(Darwin)
/// Swift marks fork() unavailable on Darwin; the C symbol is still there.
let forkProcess: @convention(c) () -> pid_t = unsafeBitCast(
    dlsym(UnsafeMutableRawPointer(bitPattern: -2), "fork"), to: (@convention(c) () -> pid_t).self)
#else
let forkProcess: () -> pid_t = { fork() }
#endif

final class EspeakRuntime: @unchecked Sendable {
    /// Child exit codes.
    private enum ChildExit: Int32 { case ok = 0, voiceNotFound = 10, parameterRejected = 11, synthFailed = 12 }
    /// rand() seed for espeak-ng's breath noise in every child.
    private static let noiseSeed: UInt32 = 0x5EED_B00C

    static let shared: Result<EspeakRuntime, Error> = Result { try EspeakRuntime() }

    let sampleRate: Int
    let version: String
    let dataPath: String
    let lock = NSLock()
    private let logger = Logger(label: "bookvox.espeak")

    private init() throws {
        // Output goes to the synth callback only; the linked stand-in keeps espeak-ng off the sound server.
        precondition(bv_espeak_silent_output() == 1)
        espeak_ng_InitializePath(nil)
        var context: espeak_ng_ERROR_CONTEXT? = nil
        let status = espeak_ng_Initialize(&context)
        espeak_ng_ClearErrorContext(&context)
        guard status == ENS_OK else { throw EspeakError.initializationFailed(detail: Self.message(status)) }
        let out = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nil)
        guard out == ENS_OK else { throw EspeakError.initializationFailed(detail: Self.message(out)) }
        sampleRate = Int(espeak_ng_GetSampleRate())
        guard sampleRate > 0 else { throw EspeakError.initializationFailed(detail: "sample rate \(sampleRate)") }
        espeak_SetSynthCallback(writeSamplesToPipe)
        var path: UnsafePointer<CChar>? = nil
        version = String(cString: espeak_Info(&path))
        dataPath = path.map { String(cString: $0) } ?? ""
        logger.debug("espeak-ng \(version) initialized: \(sampleRate) Hz, data at \(dataPath)")
    }

    private static func message(_ status: espeak_ng_STATUS) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        espeak_ng_GetStatusCodeMessage(status, &buf, buf.count)
        return String(cString: buf)
    }

    /// Variant names shipped in espeak-ng-data/voices/!v.
    var availableVariants: [String] {
        let dir = (dataPath as NSString).appendingPathComponent("voices/!v")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// Synthesizes `text` with `voice` ("en", "en+f3"…) at `wordsPerMinute`; 16-bit samples at `sampleRate`.
    /// `phonemeInput`: text inside `[[ ]]` is espeak-ng phoneme mnemonics (espeakPHONEMES; pronunciation lexicon).
    func synthesize(text: String, voice: String, wordsPerMinute: Int, phonemeInput: Bool = false) throws -> [Int16] {
        lock.lock()
        defer { lock.unlock() }
        let textC = Array(text.utf8CString)
        let voiceC = Array(voice.utf8CString)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw EspeakError.synthesisFailed("pipe(): \(String(cString: strerror(errno)))") }
        let (readFD, writeFD) = (fds[0], fds[1])
        let flags = UInt32(espeakCHARS_UTF8) | (phonemeInput ? UInt32(espeakPHONEMES) : 0)

        let pid: pid_t = textC.withUnsafeBufferPointer { t in
            voiceC.withUnsafeBufferPointer { v in
                let pid = forkProcess()
                if pid == 0 {
                    close(readFD)
                    if espeak_SetVoiceByName(v.baseAddress) != EE_OK { _exit(ChildExit.voiceNotFound.rawValue) }
                    if espeak_SetParameter(espeakRATE, Int32(wordsPerMinute), 0) != EE_OK {
                        _exit(ChildExit.parameterRejected.rawValue)
                    }
                    srand(Self.noiseSeed)
                    let rc = espeak_Synth(t.baseAddress, t.count, 0, POS_CHARACTER, 0, flags, nil,
                                          UnsafeMutableRawPointer(bitPattern: Int(writeFD) + 1))
                    _exit(rc == EE_OK ? ChildExit.ok.rawValue : ChildExit.synthFailed.rawValue)
                }
                return pid
            }
        }
        close(writeFD)
        let child = try ChildOutput.collect(pid: pid, readFD: readFD)
        let (bytes, readError, signal, code) = (child.bytes, child.readError, child.signal, child.exitCode)
        guard signal == 0 else { throw EspeakError.synthesisFailed("synthesis process was killed by signal \(signal)") }
        switch code {
        case ChildExit.ok.rawValue: break
        case ChildExit.voiceNotFound.rawValue: throw EspeakError.unknownLanguage(voice)
        case ChildExit.parameterRejected.rawValue: throw EspeakError.invalidRate(wordsPerMinute)
        default: throw EspeakError.synthesisFailed("espeak_Synth failed (exit code \(code)) for voice \(voice)")
        }
        if readError != 0 { throw EspeakError.synthesisFailed("reading samples: \(String(cString: strerror(readError)))") }
        guard bytes.count % 2 == 0 else { throw EspeakError.synthesisFailed("odd byte count \(bytes.count) from the synthesizer") }
        return bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: Int16.self)) }
    }
}
