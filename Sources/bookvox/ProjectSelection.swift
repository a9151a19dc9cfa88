// How every project command finds its project: a positional PROJECT or `--project DIR` (both forms are
// accepted; giving two different ones is a usage error), else the current directory's project.
import ArgumentParser
import Bookvox

struct ProjectOption: ParsableArguments {
    @Option(help: "Project directory (default: the current directory's project, or its single *.bookvox directory).")
    var project: String?

    /// The project named positionally or by --project.
    func locate(positional: String? = nil) throws -> ProjectLayout {
        if let positional, let project, positional != project {
            throw ValidationError("two projects given: '\(positional)' and --project '\(project)'; give one.")
        }
        return try ProjectLayout.locate(positional ?? project)
    }
}

/// Splits positionals into segment keys ("3.17") and at most one project directory.
func splitKeysAndProject(_ arguments: [String]) throws -> (keys: [String], project: String?) {
    var keys: [String] = []
    var projects: [String] = []
    for a in arguments {
        if SegmentKey.parts(a) != nil { keys.append(a) } else { projects.append(a) }
    }
    if projects.count > 1 {
        throw ValidationError("'\(projects[1])' is not a segment key (CHAPTER.INDEX, e.g. 3.17), and '\(projects[0])' "
            + "is already taken as the project directory.")
    }
    return (keys, projects.first)
}
