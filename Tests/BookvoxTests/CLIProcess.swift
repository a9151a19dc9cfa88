// Runs the built `bookvox` executable as a child process (it sits next to the test bundle).
import Foundation
import XCTest

struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLIProcess {
    /// The `bookvox` binary of this build (same directory as the test bundle).
    static var binary: URL? {
        var dirs: [URL] = []
        #if os(Linux)
        dirs.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        #endif
        dirs += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        return dirs.map { $0.appendingPathComponent("bookvox") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// `environment`: the child's whole environment (default: this process's).
    static func launch(_ args: [String], cwd: URL? = nil, environment: [String: String]? = nil) throws -> (Process, Pipe, Pipe) {
        guard let bin = binary else {
            throw NSError(domain: "CLIProcess", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "the bookvox executable was not found next to the test bundle; build with `swift build --build-tests`"])
        }
        let p = Process()
        p.executableURL = bin
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    static func run(_ args: [String], cwd: URL? = nil, environment: [String: String]? = nil) throws -> CLIResult {
        let (p, out, err) = try launch(args, cwd: cwd, environment: environment)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
    }
}
