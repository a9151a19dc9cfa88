// Chinese text normalization (numbers, dates, times, money, measures, percentages, fractions, phone numbers,
// simple math) modelled on WeTextProcessing's `tn.chinese.normalizer.Normalizer` as IndexTTS2 configures it
// (remove_interjections=False, remove_erhua=False: no interjection or 儿 removal).
//
// WeText composes weighted FST taggers and takes the cheapest path; every token costs about 1 and every plain
// character 100, so in practice the rule that covers the most characters wins, and among equal covers the
// lower weight (date < whitelist < sport < fraction = measure = money = time < cardinal < math). This scanner does the
// same greedily: at each position it tries every rule, keeps the longest match (ties by that order) and copies
// the character when nothing matches.
//
// Differences from WeText, on purpose: thousands separators are accepted (1,234 → 一千二百三十四); a sign right
// after a Latin letter or digit is a hyphen, not 负 (GPT-4 → GPT-四); a Latin unit must not run into more
// Latin letters (5 sec is not 五秒ec); 2日 reads 二日 like 2月/2号; "-" and "+" standing alone stay as they are.
//
// As WeText's preprocessor does (traditional_to_simple, on by default), traditional characters are converted to
// the mainland (Hans) script first, with ICU's "Hant-Hans" transliterator (through Foundation) instead of
// WeText's character table.
import Foundation

public enum ChineseTextNormalizer {
    /// `text` with digits and symbols written out in Chinese: 123 → 一百二十三, 2023年 → 二零二三年, 3.5 → 三点五,
    /// 50% → 百分之五十, ￥13.5 → 十三点五元, 13501234567 → 幺三五零幺二三四五六七.
    public static func normalize(_ text: String) -> String {
        let c = Array(halfWidth(hansScript(text)))
        var out = ""
        out.reserveCapacity(text.utf8.count * 2)
        var i = 0
        while i < c.count {
            if let m = bestMatch(c, i) {
                out += m.reading
                i += m.length
            } else {
                out.append(c[i])
                i += 1
            }
        }
        return out
    }

    struct Match {
        let length: Int
        let reading: String
    }

    /// Traditional (Hant) Chinese characters rewritten in the mainland Hans script by ICU's "Hant-Hans" transform;
    /// text without CJK ideographs is returned unchanged.
    static func hansScript(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0x3400...0x9FFF).contains($0.value) || (0xF900...0xFAFF).contains($0.value) })
        else { return text }
        return text.applyingTransform(StringTransform("Hant-Hans"), reverse: false) ?? text
    }

    /// Full-width ASCII forms (U+FF01–FF5E) → ASCII, as WeText's full-to-half step does: ２０１５ → 2015, ： → :.
    static func halfWidth(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { u in
            (0xFF01...0xFF5E).contains(u.value) ? Unicode.Scalar(u.value - 0xFEE0)! : u
        }))
    }

    static func isASCIIAlnum(_ ch: Character) -> Bool { ch.isASCII && (ch.isLetter || ch.isNumber) }
    static func isASCIILetter(_ ch: Character) -> Bool { ch.isASCII && ch.isLetter }

    /// Whether `s` occurs at `i`.
    static func has(_ c: [Character], _ i: Int, _ s: String) -> Bool {
        var j = i
        for ch in s {
            guard j < c.count, c[j] == ch else { return false }
            j += 1
        }
        return true
    }

    /// The longest rule match at `i`, ties going to the earlier rule.
    static func bestMatch(_ c: [Character], _ i: Int) -> Match? {
        let ch = c[i]
        let allowSign = i == 0 || !isASCIIAlnum(c[i - 1])
        let startsNumber = ChineseNumberReading.value(ch) != nil
            || (allowSign && "+-±−".contains(ch) && i + 1 < c.count && ChineseNumberReading.value(c[i + 1]) != nil)
        var candidates: [Match?] = []
        if startsNumber {
            candidates += [date(c, i), whitelist(c, i), fraction(c, i, allowSign), measure(c, i, allowSign), annual(c, i),
                           time(c, i), cardinalString(c, i, allowSign), math(c, i, allowSign)]
        } else {
            candidates += [whitelist(c, i), sport(c, i), money(c, i), tailNumber(c, i)]
            if candidates.allSatisfy({ $0 == nil }) {
                candidates.append(ChineseNormalizerTables.standaloneOperators.first { has(c, i, $0.0) }
                    .map { Match(length: $0.0.count, reading: $0.1) })
            }
        }
        var best: Match?
        for case let m? in candidates where m.length > (best?.length ?? 0) { best = m }
        return best
    }

    static func whitelist(_ c: [Character], _ i: Int) -> Match? {
        ChineseNormalizerTables.whitelist.first { has(c, i, $0.0) }.map { Match(length: $0.0.count, reading: $0.1) }
    }

    /// team [space] n (/|-|:) n [space] → team + n比n (rules/sport.py; teams: ChineseSportTeams): 中国3-2 → 中国三比二.
    static func sport(_ c: [Character], _ i: Int) -> Match? {
        guard let team = ChineseSportTeams.names.filter({ has(c, i, $0) }).max(by: { $0.count < $1.count }) else { return nil }
        var j = i + team.count
        if j < c.count, c[j] == " " { j += 1 }
        guard let a = ChineseNumberReading.parse(c, j, allowSign: false) else { return nil }
        j += a.length
        guard j < c.count, "/-:".contains(c[j]) else { return nil }
        guard let b = ChineseNumberReading.parse(c, j + 1, allowSign: false) else { return nil }
        j += 1 + b.length
        if j < c.count, c[j] == " " { j += 1 }
        return Match(length: j - i, reading: team + a.reading + "比" + b.reading)
    }

    /// 尾号[是|为]dddd → 尾号幺七零二 (phone digits).
    static func tailNumber(_ c: [Character], _ i: Int) -> Match? {
        guard has(c, i, "尾号") else { return nil }
        var j = i + 2
        var prefix = "尾号"
        if j < c.count, c[j] == "是" || c[j] == "为" { prefix.append(c[j]); j += 1 }
        guard ChineseNumberReading.digitRun(c, j) == 4 else { return nil }
        return Match(length: j + 4 - i, reading: prefix + ChineseNumberReading.digits(String(c[j..<(j + 4)]), phone: true))
    }

    /// Digit strings read digit by digit: IP-like a.b.c.d (点 between), a-b-c and ddd-dddddddd (dashes dropped),
    /// service numbers and 11-digit mobiles (1 → 幺); and percentages (6.3% → 百分之六点三).
    static func cardinalString(_ c: [Character], _ i: Int, _ allowSign: Bool) -> Match? {
        var best: Match?
        func offer(_ m: Match?) { if let m, m.length > (best?.length ?? 0) { best = m } }
        let runs = digitGroups(c, i, separators: ".")
        if runs.groups.count >= 4 {
            let parts = runs.groups.prefix(4)
            let length = parts.reduce(0) { $0 + $1.count } + 3
            offer(Match(length: length, reading: parts.map { ChineseNumberReading.digits($0) }.joined(separator: "点")))
        }
        let dashed = digitGroups(c, i, separators: "-")
        if dashed.groups.count >= 3 {
            let parts = dashed.groups.prefix(3)
            offer(Match(length: parts.reduce(0) { $0 + $1.count } + 2, reading: ChineseNumberReading.digits(parts.joined())))
        }
        if dashed.groups.count >= 2, dashed.groups[0].count == 3, dashed.groups[1].count == 8 {
            offer(Match(length: 12, reading: ChineseNumberReading.digits(dashed.groups[0] + dashed.groups[1])))
        }
        let run = ChineseNumberReading.digitRun(c, i)
        if run > 0 {
            let s = String(c[i..<(i + run)])
            if ChineseNormalizerTables.phoneNumbers.contains(s) || run == 11 {
                offer(Match(length: run, reading: ChineseNumberReading.digits(s, phone: true)))
            }
        }
        if let n = ChineseNumberReading.parse(c, i, allowSign: allowSign), i + n.length < c.count, c[i + n.length] == "%" {
            offer(Match(length: n.length + 1, reading: "百分之" + n.reading))
        }
        return best
    }

    /// Consecutive digit runs joined by single separator characters, starting at `i`.
    static func digitGroups(_ c: [Character], _ i: Int, separators: String) -> (groups: [String], end: Int) {
        var groups: [String] = []
        var j = i
        while true {
            let run = ChineseNumberReading.digitRun(c, j)
            guard run > 0 else { break }
            groups.append(String(c[j..<(j + run)]))
            j += run
            guard j + 1 < c.count, separators.contains(c[j]), ChineseNumberReading.value(c[j + 1]) != nil else { break }
            j += 1
        }
        return (groups, j)
    }

    /// number ([space] operator [space] number)*: 1+2 → 一加二, 78:96 → 七十八比九十六, 3~5 → 三到五.
    static func math(_ c: [Character], _ i: Int, _ allowSign: Bool) -> Match? {
        guard let first = ChineseNumberReading.parse(c, i, allowSign: allowSign) else { return nil }
        var j = i + first.length
        var reading = first.reading
        while true {
            var k = j
            if k < c.count, c[k] == " " { k += 1 }
            guard let op = ChineseNormalizerTables.operators.first(where: { has(c, k, $0.0) }) else { break }
            k += op.0.count
            if k < c.count, c[k] == " " { k += 1 }
            guard let next = ChineseNumberReading.parse(c, k) else { break }
            reading += op.1 + next.reading
            j = k + next.length
        }
        return Match(length: j - i, reading: reading)
    }
}
