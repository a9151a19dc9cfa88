import ArgumentParser
import Bookvox
import Foundation

struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Render segments of the books submitted to a PostgreSQL store.",
        discussion: "SIGTERM or Ctrl-C: the segments in flight are finished and committed, then the worker exits.")

    @OptionGroup var store: StoreOption

    @Option(name: .customLong("engine"), parsing: .upToNextOption,
            help: "Serve only books of these engines (default: every book whose engine this machine can run).")
    var engines: [String] = []

    @Option(help: "Segments claimed and rendered per batch.")
    var concurrency = 1

    @Flag(help: "Exit once no segment is left to claim or in flight.")
    var untilIdle = false

    @Option(help: "Lease length in seconds: a worker that stops heartbeating loses its segments after this long.")
    var leaseSeconds: Double = 60

    @Option(help: "Directory for this worker's book checkouts (default: a directory of its own under the temporary directory).")
    var workDir: String?

    func run() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more (got \(concurrency)).") }
        guard leaseSeconds >= 1 else { throw ValidationError("--lease-seconds must be at least 1 (got \(leaseSeconds)).") }
        let dir = workDir.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-worker-\(getpid())")
        var options = WorkerOptions(workDir: dir)
        options.engines = engines.isEmpty ? nil : engines
        options.concurrency = concurrency
        options.untilIdle = untilIdle
        options.leaseSeconds = leaseSeconds
        let worker = try Worker(storeURL: try store.required(), options: options) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let stop = CancellationFlag()
        stop.installSignalHandlers { _ in
            FileHandle.standardError.write(Data("stopping: finishing and committing the segments in flight…\n".utf8))
        }
        defer { stop.removeSignalHandlers() }
        _ = try worker.run(stop: stop)
        if workDir == nil { try? FileManager.default.removeItem(at: dir) }
    }
}
