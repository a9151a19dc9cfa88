// Locates the repo's copies of the reference fixtures and real data (Tests/Fixtures, Tests/Data).
import Foundation
import Neural

public enum Fixtures {
    /// Tests/ in this checkout.
    public static let testsRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()

    public static let root: URL = testsRoot.appendingPathComponent("Fixtures")
    public static let data: URL = testsRoot.appendingPathComponent("Data")
    public static let repoRoot: URL = testsRoot.deletingLastPathComponent()

    /// A case directory such as "indextts2/bigvgan_tiny".
    public static func caseDir(_ name: String) -> URL { root.appendingPathComponent(name) }

    public static func load(_ name: String) throws -> ParityCase { try ParityCase(directory: caseDir(name)) }

    /// All case directories (those with a manifest.json), sorted.
    public static func allCases() -> [URL] {
        var out: [URL] = []
        for system in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            let sdir = root.appendingPathComponent(system)
            for c in (try? FileManager.default.contentsOfDirectory(atPath: sdir.path)) ?? [] {
                let cdir = sdir.appendingPathComponent(c)
                if FileManager.default.fileExists(atPath: cdir.appendingPathComponent("manifest.json").path) { out.append(cdir) }
            }
        }
        return out.sorted { $0.path < $1.path }
    }
}
