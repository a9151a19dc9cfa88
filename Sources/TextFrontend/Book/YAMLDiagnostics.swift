// Wording of YAML problems for the front matter and lexicon readers: what kind of node a value is, and a
// Yams error as (line within the YAML, problem).
import Yams

enum YAMLDiagnostics {
    /// "single value", "mapping" or "list", for messages such as "'title' must be text but is a list".
    static func kind(_ node: Node) -> String {
        if node.scalar != nil { return "single value" }
        if node.mapping != nil { return "mapping" }
        if node.sequence != nil { return "list" }
        return "YAML node"
    }

    /// (1-based line within the YAML, problem text) for a Yams error.
    static func describe(_ error: YamlError) -> (Int, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return (mark.line, "invalid YAML: \(ctx)\(problem)")
        case let .reader(problem, _, _, _):
            return (1, "invalid YAML: \(problem)")
        default:
            return (1, "invalid YAML: \(error)")
        }
    }
}
