import Foundation

/// A reference to an article (条) of the regulation 衢总工字〔2016〕38号, optionally to one of its items (项),
/// rendered the way a Chinese official reads it and the way an English reader does:
/// `Article(5, item: 4).reference` is `第五条第（四）项 / Art. 5(4)`.
public struct Article: Codable, Hashable, Sendable, CustomStringConvertible {
    public var number: Int
    public var item: Int?

    public init(_ number: Int, item: Int? = nil) {
        self.number = number
        self.item = item
    }

    /// `第五条第（四）项`, or `第七条` without an item.
    public var chinese: String {
        let article = "第\(Self.chineseNumeral(number))条"
        guard let item else { return article }
        return article + "第（\(Self.chineseNumeral(item))）项"
    }

    /// `Art. 5(4)`, or `Art. 7` without an item.
    public var english: String {
        guard let item else { return "Art. \(number)" }
        return "Art. \(number)(\(item))"
    }

    /// Both forms, `第五条第（四）项 / Art. 5(4)`: the string `DomainIssue.article` carries.
    public var reference: String { "\(chinese) / \(english)" }

    public var description: String { reference }

    /// Chinese numerals as the regulation writes them: 五, 十, 十三, 二十, 二十三 (enough for 1…99).
    static func chineseNumeral(_ value: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        guard value > 0, value < 100 else { return String(value) }
        let tens = value / 10, units = value % 10
        var text = ""
        if tens > 1 { text += digits[tens] }
        if tens > 0 { text += "十" }
        if units > 0 { text += digits[units] }
        return text
    }
}
