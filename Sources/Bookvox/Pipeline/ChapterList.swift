// Chapter numbers as people read them in messages.
/// "1-3, 5, 7-9": a sorted chapter list with runs collapsed.
public enum ChapterList {
    public static func text(_ chapters: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let c = chapters.sorted()
        while i < c.count {
            var j = i
            while j + 1 < c.count, c[j + 1] == c[j] + 1 { j += 1 }
            parts.append(j > i ? "\(c[i])-\(c[j])" : "\(c[i])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
