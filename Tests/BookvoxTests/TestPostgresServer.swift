// The PostgreSQL server the job store's tests run against: the one BOOKVOX_TEST_PG_URL names when it is set,
// otherwise one this test process starts itself through scripts/test-postgres.sh (a throwaway cluster in a
// temporary directory, loopback only) and stops when the process exits. A machine that cannot start one fails
// these tests with the script's reason; they never skip.
import Foundation
import TestSupport

enum TestPostgresServer {
    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: Result<String, StartFailure>?
    nonisolated(unsafe) private static var stateDirectory: URL?

    /// The base URL (postgres://user@127.0.0.1:port/db) of a running server.
    static func url() throws -> String {
        if let named = ProcessInfo.processInfo.environment["BOOKVOX_TEST_PG_URL"], !named.isEmpty { return named }
        lock.lock()
        defer { lock.unlock() }
        if started == nil { started = start() }
        return try started!.get()
    }

    private static var script: String { Fixtures.repoRoot.appendingPathComponent("scripts/test-postgres.sh").path }

    private static func start() -> Result<String, StartFailure> {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-test-pg-\(getpid())-\(UUID().uuidString.prefix(6))")
        stateDirectory = base
        // The script's output goes to files, not pipes: the server that pg_ctl starts inherits the script's
        // standard output, so a pipe would never reach end of file while the server runs.
        let outcome = runScript("start", state: base)
        guard outcome.status == 0 else {
            return .failure(StartFailure(description: "no PostgreSQL server for the job store tests: set BOOKVOX_TEST_PG_URL, or install Debian's postgresql package (scripts/install-deps.sh) so scripts/test-postgres.sh can start one. The script said: \(outcome.error.isEmpty ? "exit status \(outcome.status)" : outcome.error)"))
        }
        guard let url = outcome.output.split(whereSeparator: \.isNewline).last.map(String.init), url.hasPrefix("postgres://") else {
            return .failure(StartFailure(description: "scripts/test-postgres.sh start printed no URL: \(outcome.output) \(outcome.error)"))
        }
        atexit { TestPostgresServer.stop() }
        return .success(url)
    }

    private static func stop() {
        guard let state = stateDirectory else { return }
        _ = runScript("stop", state: state)
        try? FileManager.default.removeItem(at: state.appendingPathExtension("out"))
        try? FileManager.default.removeItem(at: state.appendingPathExtension("err"))
    }

    private static func runScript(_ command: String, state: URL) -> (status: Int32, output: String, error: String) {
        let outFile = state.appendingPathExtension("out")
        let errFile = state.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        guard let out = try? FileHandle(forWritingTo: outFile), let err = try? FileHandle(forWritingTo: errFile) else {
            return (-1, "", "cannot write \(outFile.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, command]
        var environment = ProcessInfo.processInfo.environment
        environment["BOOKVOX_TEST_PG_DIR"] = state.path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            return (-1, "", "cannot run \(script): \(error)")
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        return (process.terminationStatus, read(outFile), read(errFile))
    }
}
