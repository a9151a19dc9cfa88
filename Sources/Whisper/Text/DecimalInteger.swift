// Non-negative integers of any size as decimal digits, with the few operations the English number normalizer
// performs on Python ints (spelled numbers reach 10^33 with "decillion"): +, % 10^k, // 1000 * 1000,
// × 10^k, comparison with zero, and str(). Also the integral value of a decimal string times 10^k
// (Fraction(s) * multiplier with denominator 1).
import Foundation

struct DecimalInteger: Sendable, Equatable, CustomStringConvertible {
    /// Most significant first, no leading zeros ("0" for zero).
    private(set) var digits: [UInt8]

    init(_ v: Int) {
        precondition(v >= 0)
        digits = Array(String(v).utf8).map { $0 - 48 }
    }

    /// From decimal digits (any Unicode decimal digit, as Python's int() accepts); nil if not all digits.
    init?(digitString s: String) {
        var d: [UInt8] = []
        for c in s.unicodeScalars {
            guard c.properties.generalCategory == .decimalNumber, let v = c.properties.numericValue else { return nil }
            d.append(UInt8(v))
        }
        guard !d.isEmpty else { return nil }
        digits = d
        normalize()
    }

    private init(rawDigits: [UInt8]) {
        digits = rawDigits
        normalize()
    }

    private mutating func normalize() {
        while digits.count > 1 && digits[0] == 0 { digits.removeFirst() }
        if digits.isEmpty { digits = [0] }
    }

    var description: String { String(decoding: digits.map { $0 + 48 }, as: UTF8.self) }
    var isZero: Bool { digits == [0] }

    /// self % 10^k as an Int (k ≤ 3 in use).
    func mod(pow10 k: Int) -> Int {
        var v = 0
        for d in digits.suffix(k) { v = v * 10 + Int(d) }
        return v
    }

    /// self // 1000 * 1000
    var thousandsFloor: DecimalInteger {
        var d = digits
        for i in max(0, d.count - 3)..<d.count { d[i] = 0 }
        return DecimalInteger(rawDigits: d)
    }

    /// self × 10^k
    func timesPow10(_ k: Int) -> DecimalInteger {
        isZero ? self : DecimalInteger(rawDigits: digits + [UInt8](repeating: 0, count: k))
    }

    static func + (a: DecimalInteger, b: DecimalInteger) -> DecimalInteger {
        var x = Array(a.digits.reversed()), y = Array(b.digits.reversed())
        if x.count < y.count { swap(&x, &y) }
        var out: [UInt8] = []
        var carry = 0
        for i in 0..<x.count {
            let s = Int(x[i]) + (i < y.count ? Int(y[i]) : 0) + carry
            out.append(UInt8(s % 10))
            carry = s / 10
        }
        if carry > 0 { out.append(UInt8(carry)) }
        return DecimalInteger(rawDigits: out.reversed())
    }

    static func + (a: DecimalInteger, b: Int) -> DecimalInteger { a + DecimalInteger(b) }

    enum ScaledFraction: Equatable {
        /// Not a Fraction literal (to_fraction returns None).
        case invalid
        /// A fraction whose product with 10^k keeps a denominator.
        case notIntegral
        case integer(DecimalInteger)
    }

    /// Fraction(s) * 10^k for a decimal string `s` (digits, an optional "." and digits, at least one digit — the
    /// forms the number normalizer builds): the integer when the denominator is 1.
    static func scaled(decimalString s: String, pow10 k: Int) -> ScaledFraction {
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = String(parts[0]), fracPart = parts.count > 1 ? String(parts[1]) : ""
        let isDigits: (String) -> Bool = { $0.unicodeScalars.allSatisfy { $0.properties.generalCategory == .decimalNumber } }
        guard isDigits(intPart), isDigits(fracPart), !(intPart.isEmpty && fracPart.isEmpty) else { return .invalid }
        let value: (Unicode.Scalar) -> UInt8 = { UInt8($0.properties.numericValue!) }
        let frac = fracPart.unicodeScalars.map(value)
        if frac.count > k && frac[k...].contains(where: { $0 != 0 }) { return .notIntegral }
        var d = intPart.isEmpty ? [UInt8(0)] : intPart.unicodeScalars.map(value)
        for i in 0..<k { d.append(i < frac.count ? frac[i] : 0) }
        return .integer(DecimalInteger(rawDigits: d))
    }
}
