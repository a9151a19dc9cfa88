// Readers for the Hugging Face tokenizer files of a Qwen2-family model directory:
// vocab.json ({token: id}), merges.txt ("#version" header, then "left right" per line),
// tokenizer.json (added_tokens, model.ignore_merges) and tokenizer_config.json (added_tokens_decoder).
import Foundation

enum Qwen2TokenizerFiles {
    static func readJSONObject(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TokenizerError.unreadable(path: path) }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TokenizerError.malformedFile(path: path, reason: "expected a JSON object")
        }
        return obj
    }

    static func readVocab(_ path: String) throws -> [String: Int] {
        let obj = try readJSONObject(path)
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(obj.count)
        for (token, value) in obj {
            guard let id = (value as? NSNumber)?.intValue else {
                throw TokenizerError.malformedFile(path: path, reason: "the id of token '\(token)' is not an integer")
            }
            vocab[token] = id
        }
        return vocab
    }

    static func readMerges(_ path: String) throws -> [(String, String)] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TokenizerError.unreadable(path: path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.malformedFile(path: path, reason: "not UTF-8 text")
        }
        var merges: [(String, String)] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            if l.isEmpty || l.hasPrefix("#version") { continue }
            let parts = l.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.malformedFile(
                    path: path, reason: "line \(lineNumber) '\(l)' is not two tokens separated by one space")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        return merges
    }

    private static func addedToken(_ d: [String: Any], id: Int, path: String) throws -> AddedToken {
        guard let content = d["content"] as? String else {
            throw TokenizerError.malformedFile(path: path, reason: "added token \(id) has no 'content' string")
        }
        return AddedToken(
            id: id, content: content, special: d["special"] as? Bool ?? false,
            singleWord: d["single_word"] as? Bool ?? false, lstrip: d["lstrip"] as? Bool ?? false,
            rstrip: d["rstrip"] as? Bool ?? false, normalized: d["normalized"] as? Bool ?? false)
    }

    /// tokenizer.json: its added_tokens and the BPE model's ignore_merges flag.
    static func readTokenizerJSON(_ path: String) throws -> (added: [AddedToken], ignoreMerges: Bool) {
        let obj = try readJSONObject(path)
        var added: [AddedToken] = []
        for entry in obj["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = (entry["id"] as? NSNumber)?.intValue else {
                throw TokenizerError.malformedFile(path: path, reason: "an added token has no integer 'id'")
            }
            added.append(try addedToken(entry, id: id, path: path))
        }
        let model = obj["model"] as? [String: Any] ?? [:]
        if let type = model["type"] as? String, type != "BPE" {
            throw TokenizerError.malformedFile(path: path, reason: "model type is \(type), expected BPE")
        }
        return (added, model["ignore_merges"] as? Bool ?? false)
    }

    /// tokenizer.json's BPE model (vocab and merges), for directories without vocab.json / merges.txt.
    static func readModelFromTokenizerJSON(_ path: String) throws -> (vocab: [String: Int], merges: [(String, String)]) {
        let obj = try readJSONObject(path)
        guard let model = obj["model"] as? [String: Any], let v = model["vocab"] as? [String: Any],
              let m = model["merges"] as? [Any] else {
            throw TokenizerError.malformedFile(path: path, reason: "expected model.vocab (object) and model.merges (array)")
        }
        var vocab: [String: Int] = [:]
        for (token, value) in v {
            guard let id = (value as? NSNumber)?.intValue else {
                throw TokenizerError.malformedFile(path: path, reason: "the id of token '\(token)' is not an integer")
            }
            vocab[token] = id
        }
        var merges: [(String, String)] = []
        for (rank, entry) in m.enumerated() {
            if let pair = entry as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else if let line = entry as? String {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.malformedFile(path: path, reason: "merge \(rank) '\(line)' is not two tokens")
                }
                merges.append((String(parts[0]), String(parts[1])))
            } else {
                throw TokenizerError.malformedFile(path: path, reason: "merge \(rank) is neither \"a b\" nor [a, b]")
            }
        }
        return (vocab, merges)
    }

    /// tokenizer_config.json: added_tokens_decoder {"id": {content, special, lstrip, ...}}.
    static func readAddedTokensDecoder(_ path: String) throws -> [AddedToken] {
        let obj = try readJSONObject(path)
        var added: [AddedToken] = []
        for (key, value) in obj["added_tokens_decoder"] as? [String: Any] ?? [:] {
            guard let id = Int(key), let d = value as? [String: Any] else {
                throw TokenizerError.malformedFile(path: path, reason: "added_tokens_decoder entry '\(key)' is malformed")
            }
            added.append(try addedToken(d, id: id, path: path))
        }
        return added
    }
}
