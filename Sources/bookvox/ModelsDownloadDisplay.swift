// Progress of `bookvox models download` on stderr: a self-rewriting line per file on a terminal,
// plain lines (start, every ~5 s, retries, done) otherwise.
import Bookvox
import Foundation

final class DownloadDisplay {
    let quiet: Bool
    private var lastPrint = Date.distantPast
    private var startTime = Date()
    private var startBytes: Int64 = 0
    private var lineOpen = false

    init(quiet: Bool) { self.quiet = quiet }

    func show(_ event: ModelDownloadEvent) {
        guard !quiet else { return }
        switch event {
        case let .fileStart(file, index, count, size, resume):
            endLine()
            startTime = Date()
            startBytes = resume
            let sizeText = size.map { ModelsCLI.bytes($0) } ?? "size unknown"
            let resumeText = resume > 0 ? ", resuming at \(ModelsCLI.bytes(resume))" : ""
            Terminal.line("[\(index + 1)/\(count)] \(file.local) (\(sizeText)\(resumeText)) from \(file.repo)")
        case let .progress(_, bytes, total):
            throttled { self.progressText(bytes: bytes, total: total) }
        case let .hashing(file, bytes, total):
            throttled {
                let pct = total.map { $0 > 0 ? " \(Int(Double(bytes) * 100 / Double($0)))%" : "" } ?? ""
                return "checking \(file.local)\(pct)"
            }
        case let .retry(file, attempt, reason):
            endLine()
            Terminal.line("connection lost on \(file.local) (\(reason)); resuming, attempt \(attempt)")
        case let .skipped(file, reason):
            endLine()
            Terminal.line("\(file.local): \(reason)")
        case let .finished(file, size, sha):
            endLine()
            Terminal.line("\(file.local): done, \(ModelsCLI.bytes(size)), sha256 \(sha.prefix(16))… verified")
        }
    }

    func endLine() {
        if lineOpen {
            FileHandle.standardError.write(Data("\n".utf8))
            lineOpen = false
        }
    }

    private func progressText(bytes: Int64, total: Int64?) -> String {
        let elapsed = max(Date().timeIntervalSince(startTime), 0.001)
        let rate = Double(bytes - startBytes) / elapsed
        var text = "  \(ModelsCLI.bytes(bytes))"
        if let total, total > 0 {
            text = "  \(Int(Double(bytes) * 100 / Double(total)))% " + text + " of \(ModelsCLI.bytes(total))"
            if rate > 0 {
                let left = Int(Double(total - bytes) / rate)
                text += String(format: ", ETA %d:%02d", left / 60, left % 60)
            }
        }
        return text + ", \(ModelsCLI.bytes(Int64(rate)))/s"
    }

    private func throttled(_ text: () -> String) {
        let now = Date()
        let interval = Terminal.isTTY ? 0.2 : 5
        guard now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        if Terminal.isTTY {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text()).utf8))
            lineOpen = true
        } else {
            Terminal.line(text())
        }
    }
}
