// espeak-ng's dictionary lookup, for `bookvox lexicon check`: which words espeak-ng finds in its pronunciation
// dictionary (`<lang>_list`) and which it pronounces by its spelling rules only. espeak-ng's phoneme trace
// (espeak_SetPhonemeTrace with espeakPHONEMES_TRACE) writes "Found: 'word' [phonemes]" for a dictionary hit and
// "Translate 'word'" followed by the rules it matched otherwise. The lookup runs in a fork()ed child like
// synthesis (EspeakRuntime), so the parent's espeak-ng state — and every later synthesis — is untouched.
import CEspeakNG
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EspeakEngine {
    /// For each word, whether espeak-ng's dictionary for this engine's voice has it (false: spelling rules only).
    public func dictionaryKnows(_ words: [String]) throws -> [Bool] {
        guard !words.isEmpty else { return [] }
        let trace = try runtime.phonemeTrace(words: words, voice: options.voiceName)
        return trace.map { $0.contains("Found: '") }
    }
}

extension EspeakRuntime {
    /// The phoneme trace espeak-ng writes while translating each word on its own, one string per word.
    func phonemeTrace(words: [String], voice: String) throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        // Everything the child touches is built here: the words as one NUL-separated C buffer, their offsets and the
        // marker line written before each word's trace.
        var buffer: [CChar] = []
        var offsets: [Int] = []
        for w in words {
            offsets.append(buffer.count)
            buffer += w.utf8CString
        }
        let marker: [CChar] = [1, 10, 0]
        let mode: [CChar] = [119, 0]  // "w"
        let voiceC = Array(voice.utf8CString)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw EspeakError.synthesisFailed("pipe(): \(String(cString: strerror(errno)))") }
        let (readFD, writeFD) = (fds[0], fds[1])
        let pid: pid_t = buffer.withUnsafeBufferPointer { b in
            offsets.withUnsafeBufferPointer { o in
                voiceC.withUnsafeBufferPointer { v in
                    marker.withUnsafeBufferPointer { m in
                        mode.withUnsafeBufferPointer { md in
                            let pid = forkProcess()
                            if pid == 0 {
                                close(readFD)
                                if espeak_SetVoiceByName(v.baseAddress) != EE_OK { _exit(10) }
                                guard let file = fdopen(writeFD, md.baseAddress) else { _exit(12) }
                                espeak_SetPhonemeTrace(Int32(espeakPHONEMES_TRACE), file)
                                for i in 0..<o.count {
                                    fputs(m.baseAddress, file)
                                    var p: UnsafeRawPointer? = UnsafeRawPointer(b.baseAddress! + o[i])
                                    while p != nil { _ = espeak_TextToPhonemes(&p, Int32(espeakCHARS_UTF8), 0) }
                                }
                                fflush(file)
                                _exit(0)
                            }
                            return pid
                        }
                    }
                }
            }
        }
        close(writeFD)
        let child = try ChildOutput.collect(pid: pid, readFD: readFD)
        guard child.signal == 0 else { throw EspeakError.synthesisFailed("dictionary lookup process was killed") }
        if child.exitCode == 10 { throw EspeakError.unknownLanguage(voice) }
        guard child.exitCode == 0 else { throw EspeakError.synthesisFailed("dictionary lookup failed (exit code \(child.exitCode))") }
        if child.readError != 0 { throw EspeakError.synthesisFailed("reading the lookup's trace: \(String(cString: strerror(child.readError)))") }
        let bytes = child.bytes
        let parts = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\u{1}\n")
        guard parts.count == words.count + 1 else {
            throw EspeakError.synthesisFailed("dictionary lookup traced \(parts.count - 1) of \(words.count) words")
        }
        return Array(parts.dropFirst())
    }
}
