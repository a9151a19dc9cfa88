// The `bookvox` command tree. Command logic lives in the Bookvox library; these types parse
// arguments, pick the project, and display results.
import ArgumentParser
import Bookvox
import Foundation

struct BookvoxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookvox",
        abstract: "Render books into narrated audiobooks with neural TTS on the CPU.",
        discussion: "Exit codes: 0 ok, 1 failure, 2 usage, 3 bad input, 4 already rendering, 130 interrupted.",
        version: "bookvox \(BookvoxVersion.string)",
        subcommands: [PlanCommand.self, RenderCommand.self, ResumeCommand.self, StatusCommand.self, FlagCommand.self,
                      RerenderCommand.self, ReviewCommand.self, ExportCommand.self, SubmitCommand.self, WorkerCommand.self, LexiconCommand.self, ModelsCommand.self, BenchCommand.self, DevCommand.self])
}

/// Options every synthesizing command shares.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "No progress output (warnings and errors still go to stderr).")
    var quiet = false
}

struct BitrateOption: ParsableArguments {
    @Option(help: "MP3 bitrate in kbps (CBR).")
    var bitrate: Int?

    func validated() throws -> Int? {
        if let bitrate { try ProjectCommands.validateBitrate(bitrate) }
        return bitrate
    }
}

/// How many stop signals arrived.
private final class SignalCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}

/// Runs a render-like operation with signal handling and progress.
func withRenderRuntime(quiet: Bool, _ body: (RenderProgress, CancellationFlag) throws -> RenderReport) throws {
    let progress = TerminalProgress(quiet: quiet)
    let cancel = CancellationFlag()
    let signals = SignalCount()
    cancel.installSignalHandlers { _ in
        if signals.increment() == 1 {
            Terminal.line("\nstopping: finishing and saving the segments and the export in flight… "
                + "(press Ctrl-C again to stop at once; nothing saved is lost)")
        } else {
            // Every file is written to a temporary name and renamed, and the job store is SQLite in WAL mode:
            // stopping here loses only the work in flight. The next command removes the temporary files.
            Terminal.line("\nstopped. Run `bookvox resume` to continue.")
            fflush(stdout)
            _exit(130)
        }
    }
    defer { cancel.removeSignalHandlers() }
    let report = try body(progress, cancel)
    if !quiet {
        Terminal.line("synthesized \(report.synthesized) segment(s), reused \(report.reused).")
    }
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: report.exportDir.path)) ?? [])
        .filter { !$0.hasPrefix(".") }.sorted()
    print("exports in \(report.exportDir.path)/ (\(files.count) files)")
}
