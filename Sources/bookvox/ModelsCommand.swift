// `bookvox models list | download NAME | verify [NAME]`: install and check neural engine weights.
// The work is in the Bookvox library (ModelStore, ModelDownloader); this file parses and displays.
import ArgumentParser
import Bookvox
import Foundation

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, download and verify the neural engines' model files.",
        subcommands: [ModelsList.self, ModelsDownload.self, ModelsVerify.self])
}

/// Store, catalog and error mapping shared by the subcommands.
enum ModelsCLI {
    static func store() throws -> ModelStore {
        do { return try ModelStore.standard() } catch { throw BookvoxError.badInput("\(error)") }
    }

    static func manifest(_ name: String, in store: ModelStore) throws -> ModelManifest {
        do { return try store.catalog.manifest(named: name) } catch { throw BookvoxError.badInput("\(error)") }
    }

    static func directory(_ dir: String?) -> URL? {
        dir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath).standardizedFileURL }
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var u = 0
        while v >= 1000 && u < units.count - 1 {
            v /= 1000
            u += 1
        }
        return u == 0 ? "\(n) B" : String(format: "%.*f %@", v < 10 ? 2 : 1, v, units[u])
    }
}

struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Show every known model, whether it is installed, where, and its size.")

    func run() throws {
        let store = try ModelsCLI.store()
        print("models directory: \(store.root.path)")
        for m in store.catalog.manifests {
            let dir = store.directory(for: m.name)
            let checks = store.quickCheck(m, in: dir)
            let total = m.totalSize
            let size = (total.exact ? "" : "≈") + ModelsCLI.bytes(total.bytes)
            print("\(m.name)  [\(m.engine)]  \(Self.state(checks, name: m.name))  \(size)  \(dir.path)")
            print("    \(m.summary)")
        }
    }

    static func state(_ checks: [ModelFileCheck], name: String) -> String {
        let needed = checks.filter(\.file.required)
        let bad = needed.filter { $0.state != .ok && $0.state != .unchecked }
        if bad.isEmpty { return "installed" }
        if bad.count == needed.count && !checks.contains(where: { if case .partial = $0.state { return true } else { return false } }) {
            return "not installed"
        }
        return "incomplete (\(bad.count) of \(needed.count) files missing or wrong; run `bookvox models download \(name)`)"
    }
}

struct ModelsDownload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a model's files (resumable), verifying size and sha256.",
        discussion: "Endpoint: --endpoint, else $BOOKVOX_HF_ENDPOINT, else https://huggingface.co. $HF_TOKEN is sent "
            + "as a bearer token. Default directory: $BOOKVOX_MODELS/NAME, else ~/.local/share/bookvox/models/NAME.")

    @Argument(help: "Model name (see `bookvox models list`).")
    var name: String

    @Option(help: "Install into this directory instead of the default.")
    var dir: String?

    @Option(help: "Hub base URL serving <repo>/resolve/<revision>/<path>.")
    var endpoint: String?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func run() throws {
        let store = try ModelsCLI.store()
        let manifest = try ModelsCLI.manifest(name, in: store)
        let options = try ModelDownloadOptions.standard(endpoint: endpoint)
        let target = ModelsCLI.directory(dir) ?? store.directory(for: name)
        let display = DownloadDisplay(quiet: quiet)
        let downloader = ModelDownloader(store: store, options: options) { display.show($0) }
        if !quiet { Terminal.line("downloading \(name) from \(options.endpoint.absoluteString) into \(target.path)") }
        let report: ModelDownloadReport
        do {
            report = try downloader.download(manifest, into: target)
        } catch let error as ModelDownloadError {
            display.endLine()
            throw BookvoxError.failure(error.description)
        } catch let error as ModelStoreError {
            display.endLine()
            throw BookvoxError.failure(error.description)
        }
        display.endLine()
        print("\(name): \(report.downloaded) file(s) downloaded (\(ModelsCLI.bytes(report.bytesTransferred))), "
            + "\(report.skipped) already verified; installed in \(report.directory.path)")
    }
}

struct ModelsVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash installed model files and report missing or corrupt ones.",
        discussion: "Without NAME, every model with a directory is checked. Exit code 1 when a problem is found.")

    @Argument(help: "Model name (default: every installed or partly installed model).")
    var name: String?

    @Option(help: "Verify this directory (with NAME) instead of the recorded location.")
    var dir: String?

    func run() throws {
        let store = try ModelsCLI.store()
        var targets: [(ModelManifest, URL)] = []
        if let name {
            targets = [(try ModelsCLI.manifest(name, in: store), ModelsCLI.directory(dir) ?? store.directory(for: name))]
        } else {
            targets = store.catalog.manifests.map { ($0, store.directory(for: $0.name)) }
                .filter { FileManager.default.fileExists(atPath: $0.1.path) }
            if targets.isEmpty {
                print("no models installed under \(store.root.path). See `bookvox models list`.")
                return
            }
        }
        var problems = 0
        for (m, dir) in targets {
            problems += try verify(m, dir: dir, store: store)
        }
        if problems > 0 { throw ExitCode(ExitCodes.failure) }
    }

    private func verify(_ m: ModelManifest, dir: URL, store: ModelStore) throws -> Int {
        guard FileManager.default.fileExists(atPath: dir.path) else {
            print("\(m.name): not installed (\(dir.path) does not exist). Fix: bookvox models download \(m.name)")
            return 1
        }
        let checks: [ModelFileCheck]
        do {
            checks = try store.verify(m, in: dir)
        } catch {
            throw BookvoxError.failure("\(error)")
        }
        var bad = 0
        for c in checks {
            let line: String?
            switch c.state {
            case .ok: line = nil
            case .unchecked: line = "  unchecked (size ok, no sha256 known): \(c.url.path)"
            case .missing: line = "  missing: \(c.url.path)"
            case let .partial(n): line = "  incomplete download (\(n) bytes in .part): \(c.url.path)"
            case let .wrongSize(e, f): line = "  wrong size: \(c.url.path) (\(f) bytes, expected \(e))"
            case let .corrupt(e, f): line = "  corrupt: \(c.url.path) (sha256 \(f), expected \(e))"
            }
            if let line { print(line) }
            if c.state != .ok && c.state != .unchecked { bad += 1 }
        }
        let fix = dir == store.directory(for: m.name) ? "" : " --dir \(dir.path)"
        if bad == 0 {
            print("\(m.name): OK (\(checks.count) files verified in \(dir.path))")
        } else {
            print("\(m.name): \(bad) of \(checks.count) files missing or corrupt. Fix: bookvox models download \(m.name)\(fix)")
        }
        return bad
    }
}
