// Developer tools: `dev parity CASE_DIR...` runs reference cases (shared/fixtures layout) and
// prints, per output, max abs / max rel error and cosine, then PASS/FAIL against the manifest.
import ArgumentParser
import Bookvox
import Foundation

struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Developer tools (parity checks, the BLAS kernels in use).",
        subcommands: [ParityCommand.self, BLASCommand.self])
}

struct BLASCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas", abstract: "Print the OpenBLAS kernel set in use and how it was chosen.")

    func run() throws { print(BLASKernelChoice.description) }
}

struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Run parity cases against the original PyTorch reference outputs.",
        discussion: """
            Each CASE_DIR holds a case's manifest.json (its name, config, weights and tolerances) and \
            io.safetensors (its inputs and the original code's outputs). A directory without a manifest is \
            searched one and two levels down, so a folder of fixture folders runs them all. A case fails when its runner leaves an input or expected output of the case \
            unread (a few inputs are marked informational, with the reason). Exit status 1 if any case fails or \
            has no implementation.
            """)

    @Argument(help: "Case directories (or folders of them).")
    var caseDirs: [String]

    @Flag(help: "List the implemented case names and exit.")
    var list = false

    @Flag(name: .shortAndLong, help: "Also print, per case, the inputs the runner consumed and the informational inputs it left unread.")
    var verbose = false

    func run() throws {
        if list {
            ParityCatalog.cases.keys.sorted().forEach { print($0) }
            return
        }
        let dirs = caseDirs.flatMap(Self.expand)
        guard !dirs.isEmpty else { throw ValidationError("no case directory (with a manifest.json) found in \(caseDirs)") }
        var failed = 0
        for dir in dirs {
            let result = ParityCatalog.run(directory: dir)
            print("== \(result.caseName)  (\(result.directory))")
            result.reports.forEach { print("   \($0)") }
            if verbose {
                print("   inputs consumed (\(result.consumedInputs.count)): \(result.consumedInputs.joined(separator: ", "))")
                for (name, reason) in result.informationalInputs.sorted(by: { $0.key < $1.key }) {
                    print("   input not consumed (informational): \(name) — \(reason)")
                }
            }
            if let error = result.error { print("   ERROR  \(error)") }
            print("   \(result.passed ? "PASS" : "FAIL")")
            if !result.passed { failed += 1 }
        }
        print("\(dirs.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    private static func expand(_ path: String) -> [URL] {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        if fm.fileExists(atPath: url.appendingPathComponent("manifest.json").path) { return [url] }
        var found: [URL] = []
        for child in ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).sorted() {
            let c = url.appendingPathComponent(child)
            if fm.fileExists(atPath: c.appendingPathComponent("manifest.json").path) {
                found.append(c)
            } else {
                for grand in ((try? fm.contentsOfDirectory(atPath: c.path)) ?? []).sorted() {
                    let g = c.appendingPathComponent(grand)
                    if fm.fileExists(atPath: g.appendingPathComponent("manifest.json").path) { found.append(g) }
                }
            }
        }
        return found
    }
}
