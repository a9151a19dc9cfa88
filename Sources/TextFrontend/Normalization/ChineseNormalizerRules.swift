// The date, time, money, fraction and measure rules of `ChineseTextNormalizer` (WeTextProcessing rules/date.py,
// time.py, money.py, fraction.py, measure.py):
//   date     yyyy-m-d, yyyy/mm/dd, yyyy.mm.dd, dd-mm-yyyy, yyyy-mm, mm-yyyy, mm-dd (any of / - . between)
//            → 二零零八年八月八日; the year digit by digit
//   time     h:mm[:ss][ am|pm] → [上午|下午]两点零二分[三十六秒]; :00 minutes/seconds are silent
//   money    ￥13.5 → 十三点五元, HKD 13.5 → 十三点五港元 (symbol or code first, amount read first)
//   fraction 3/16 → 十六分之三
//   measure  [n[unit](-|~|到)]n unit: 25kg → 二十五千克, 2个 → 两个, 1-2个 → 一到两个, 300w张 → 三百万张,
//            10km/h → 每小时十公里; a bare 2 reads 两 except before 两, 月, 号 (and 日)
//   annual   two or four digits + 年|年度|赛季, digit by digit: 2023年 → 二零二三年
extension ChineseTextNormalizer {
    static func month(_ s: String, twoDigits: Bool) -> String? {
        guard s.count <= 2, !twoDigits || s.count == 2, let v = Int(s), (1...12).contains(v) else { return nil }
        return ChineseNumberReading.cardinal(String(v).compactMap(ChineseNumberReading.value))! + "月"
    }

    static func day(_ s: String) -> String? {
        guard s.count <= 2, let v = Int(s), (1...31).contains(v) else { return nil }
        return ChineseNumberReading.cardinal(String(v).compactMap(ChineseNumberReading.value))! + "日"
    }

    static func year(_ s: String) -> String? {
        guard s.count == 4, s.first != "0" else { return nil }
        return ChineseNumberReading.digits(s) + "年"
    }

    static func date(_ c: [Character], _ i: Int) -> Match? {
        let g = digitGroups(c, i, separators: "/-.").groups
        guard g.count >= 2 else { return nil }
        if g.count >= 3 {
            let length = g[0].count + g[1].count + g[2].count + 2
            if let y = year(g[0]), let m = month(g[1], twoDigits: false), let d = day(g[2]) {
                return Match(length: length, reading: y + m + d)
            }
            if let d = day(g[0]), let m = month(g[1], twoDigits: false), let y = year(g[2]) {
                return Match(length: length, reading: y + m + d)
            }
        }
        let length = g[0].count + g[1].count + 1
        if let y = year(g[0]), let m = month(g[1], twoDigits: true) { return Match(length: length, reading: y + m) }
        if let m = month(g[0], twoDigits: true), let y = year(g[1]) { return Match(length: length, reading: y + m) }
        if let m = month(g[0], twoDigits: true), let d = day(g[1]) { return Match(length: length, reading: m + d) }
        return nil
    }

    /// One clock time at `i`: (length, reading).
    static func clock(_ c: [Character], _ i: Int) -> Match? {
        let hRun = ChineseNumberReading.digitRun(c, i)
        guard (1...2).contains(hRun), let h = ChineseNormalizerTables.hour(String(c[i..<(i + hRun)])) else { return nil }
        var j = i + hRun
        guard j < c.count, c[j] == ":", ChineseNumberReading.digitRun(c, j + 1) == 2,
              let m = ChineseNormalizerTables.minute(String(c[(j + 1)..<(j + 3)])) else { return nil }
        j += 3
        var s = ""
        if j < c.count, c[j] == ":", ChineseNumberReading.digitRun(c, j + 1) == 2,
           let sec = ChineseNormalizerTables.second(String(c[(j + 1)..<(j + 3)])) {
            s = sec
            j += 3
        }
        var noon = ""
        let k = j < c.count && c[j] == " " ? j + 1 : j
        if let n = ChineseNormalizerTables.noon.first(where: { has(c, k, $0.0) }),
           k + n.0.count >= c.count || !isASCIILetter(c[k + n.0.count]) {
            noon = n.1
            j = k + n.0.count
        }
        return Match(length: j - i, reading: noon + h + m + s)
    }

    /// A clock time, or two joined by - or ~ (→ 到).
    static func time(_ c: [Character], _ i: Int) -> Match? {
        guard let first = clock(c, i) else { return nil }
        let j = i + first.length
        if j < c.count, c[j] == "-" || c[j] == "~", let second = clock(c, j + 1) {
            return Match(length: first.length + 1 + second.length, reading: first.reading + "到" + second.reading)
        }
        return first
    }

    static func money(_ c: [Character], _ i: Int) -> Match? {
        guard let cur = ChineseNormalizerTables.currencies.first(where: { has(c, i, $0.0) }) else { return nil }
        var j = i + cur.0.count
        if j < c.count, c[j] == " " { j += 1 }
        guard let n = ChineseNumberReading.parse(c, j) else { return nil }
        return Match(length: j + n.length - i, reading: n.reading + cur.1)
    }

    static func fraction(_ c: [Character], _ i: Int, _ allowSign: Bool) -> Match? {
        guard let num = ChineseNumberReading.parse(c, i, allowSign: allowSign) else { return nil }
        var j = i + num.length
        if j < c.count, c[j] == " " { j += 1 }
        guard j < c.count, c[j] == "/" else { return nil }
        j += 1
        if j < c.count, c[j] == " " { j += 1 }
        guard let den = ChineseNumberReading.parse(c, j) else { return nil }
        return Match(length: j + den.length - i, reading: den.reading + "分之" + num.reading)
    }

    /// A unit at `i` (optional k → 千 / w → 万 prefix): (length, reading, table key). Longest first; on equal
    /// length an unprefixed unit wins (5km → 五公里, not 五千米).
    static func unit(_ c: [Character], _ i: Int) -> (length: Int, reading: String, key: String)? {
        func lookup(_ j: Int) -> (Int, String, String)? {
            let latin = ChineseNormalizerTables.latinUnitsByLength.first { u in
                has(c, j, u.0) && (j + u.0.count >= c.count || !isASCIILetter(u.0.last!) || !isASCIILetter(c[j + u.0.count]))
            }
            let chinese = ChineseNormalizerTables.chineseUnitsByLength.first { has(c, j, $0) }
            let l = latin.map { ($0.0.count, $0.1, $0.0) }, z = chinese.map { ($0.count, $0, $0) }
            guard let a = l else { return z }
            guard let b = z else { return a }
            return a.0 >= b.0 ? a : b
        }
        var best = lookup(i)
        if i < c.count, c[i] == "k" || c[i] == "w", let u = lookup(i + 1), u.0 + 1 > (best?.0 ?? 0) {
            best = (u.0 + 1, (c[i] == "k" ? "千" : "万") + u.1, u.2)
        }
        return best.map { (length: $0.0, reading: $0.1, key: $0.2) }
    }

    /// A number as a measure reads it: a bare 2 is 两 unless the unit is 两, 月, 号 or 日.
    static func measureNumber(_ n: ChineseNumberReading.Number, unitKey: String?) -> String {
        guard n.isBareTwo else { return n.reading }
        return ["两", "月", "号", "日"].contains(unitKey ?? "") ? "二" : "两"
    }

    static func measure(_ c: [Character], _ i: Int, _ allowSign: Bool) -> Match? {
        guard let first = ChineseNumberReading.parse(c, i, allowSign: allowSign) else { return nil }
        var j = i + first.length
        if j < c.count, c[j] == " " { j += 1 }
        var reading = ""
        // Optional range prefix: n [unit] (-|~|到) n unit.
        var k = j
        let prefixUnit = unit(c, k)
        if let u = prefixUnit { k += u.length }
        if k < c.count, "-~到".contains(c[k]), let second = ChineseNumberReading.parse(c, k + 1) {
            var m = k + 1 + second.length
            if m < c.count, c[m] == " " { m += 1 }
            if let u = unit(c, m) {
                reading = measureNumber(first, unitKey: prefixUnit?.key) + (prefixUnit?.reading ?? "") + "到"
                    + measureNumber(second, unitKey: u.key) + u.reading
                return withPerUnit(c, i, end: m + u.length, reading: reading)
            }
        }
        guard let u = prefixUnit else { return nil }
        reading = measureNumber(first, unitKey: u.key) + u.reading
        return withPerUnit(c, i, end: j + u.length, reading: reading)
    }

    /// measure / unit → 每 unit measure (10km/h → 每小时十公里).
    static func withPerUnit(_ c: [Character], _ i: Int, end: Int, reading: String) -> Match {
        var j = end
        if j < c.count, c[j] == " " { j += 1 }
        if j < c.count, c[j] == "/" {
            var k = j + 1
            if k < c.count, c[k] == " " { k += 1 }
            if let per = unit(c, k) { return Match(length: k + per.length - i, reading: "每" + per.reading + reading) }
        }
        return Match(length: end - i, reading: reading)
    }

    static func annual(_ c: [Character], _ i: Int) -> Match? {
        func years(_ j: Int) -> (length: Int, reading: String, unit: String?)? {
            let run = ChineseNumberReading.digitRun(c, j)
            guard run == 2 || run == 4 else { return nil }
            var k = j + run
            if k < c.count, c[k] == " " { k += 1 }
            let u = ["年度", "赛季", "年"].first { has(c, k, $0) }
            return (u == nil ? run : k + u!.count - j, ChineseNumberReading.digits(String(c[j..<(j + run)])) + (u ?? ""), u)
        }
        guard let first = years(i) else { return nil }
        let j = i + first.length
        if j < c.count, "-~到".contains(c[j]), let second = years(j + 1), second.unit != nil {
            return Match(length: first.length + 1 + second.length, reading: first.reading + "到" + second.reading)
        }
        guard first.unit != nil else { return nil }
        return Match(length: first.length, reading: first.reading)
    }
}
