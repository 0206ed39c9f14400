import Foundation

/// A vocational skill level (职业技能等级), lowest to highest. The five national levels, then the newer
/// titles 特级技师 and 首席技师 above 一级/高级技师. Art 5(4) asks the leader for 高级 or higher, i.e.
/// 三级/高级工 or above (`meetsArticle5Leader`).
public enum SkillLevel: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    /// 五级/初级工
    case elementary
    /// 四级/中级工
    case intermediate
    /// 三级/高级工
    case senior
    /// 二级/技师
    case technician
    /// 一级/高级技师
    case seniorTechnician
    /// 特级技师
    case principalTechnician
    /// 首席技师
    case chiefTechnician

    /// 1 (五级/初级工) … 7 (首席技师).
    public var rank: Int {
        switch self {
        case .elementary: 1
        case .intermediate: 2
        case .senior: 3
        case .technician: 4
        case .seniorTechnician: 5
        case .principalTechnician: 6
        case .chiefTechnician: 7
        }
    }

    public static func < (lhs: SkillLevel, rhs: SkillLevel) -> Bool { lhs.rank < rhs.rank }

    /// Art 5(4): 高级及以上职业技能资格等级.
    public var meetsArticle5Leader: Bool { self >= .senior }

    /// The name as certificates print it: `三级/高级工`, `特级技师`.
    public var nameZh: String {
        switch self {
        case .elementary: "五级/初级工"
        case .intermediate: "四级/中级工"
        case .senior: "三级/高级工"
        case .technician: "二级/技师"
        case .seniorTechnician: "一级/高级技师"
        case .principalTechnician: "特级技师"
        case .chiefTechnician: "首席技师"
        }
    }

    public var nameEn: String {
        switch self {
        case .elementary: "Level 5 / elementary worker"
        case .intermediate: "Level 4 / intermediate worker"
        case .senior: "Level 3 / senior worker"
        case .technician: "Level 2 / technician"
        case .seniorTechnician: "Level 1 / senior technician"
        case .principalTechnician: "principal technician"
        case .chiefTechnician: "chief technician"
        }
    }

    /// Parses the raw value or the ways forms write a level: `三级`, `高级工`, `三级/高级工`, `三级（高级工）`,
    /// `国家职业资格三级`, `高级技师`, `一级`, `3级`, `技师`. When the parts name different levels
    /// (`三级/技师`) the text is ambiguous and the result is nil.
    public static func parse(_ text: String) -> SkillLevel? {
        let trimmed = text.trimmedOfWhitespace
        // The raw value, one token, or a certificate's own name (`三级/高级工`): one lookup.
        if let level = wholeTexts[trimmed] { return level }
        var remainder = Substring(trimmed)
        for prefix in ["国家职业资格", "职业资格", "职业技能等级", "技能等级"] where remainder.hasPrefix(prefix) {
            remainder.removeFirst(prefix.count)
        }
        var found: SkillLevel?
        for token in remainder.split(whereSeparator: { separators.contains($0) }) {
            guard let level = tokenLevels[String(token)] else { return nil }
            if let previous = found, previous != level { return nil }
            found = level
        }
        return found
    }

    /// What separates the parts of a level as forms write it.
    private static let separators: Set<Character> = ["/", "／", "(", ")", "（", "）", "、", ",", "，", ";", "；", " "]

    /// Texts that are a level as a whole: each raw value, each token and each `nameZh` (whose parts agree).
    private static let wholeTexts: [String: SkillLevel] = {
        var texts = tokenLevels
        for level in allCases {
            texts[level.rawValue] = level
            texts[level.nameZh] = level
        }
        return texts
    }()

    private static let tokenLevels: [String: SkillLevel] = [
        "五级": .elementary, "5级": .elementary, "初级工": .elementary, "初级": .elementary,
        "四级": .intermediate, "4级": .intermediate, "中级工": .intermediate, "中级": .intermediate,
        "三级": .senior, "3级": .senior, "高级工": .senior, "高级": .senior,
        "二级": .technician, "2级": .technician, "技师": .technician,
        "一级": .seniorTechnician, "1级": .seniorTechnician, "高级技师": .seniorTechnician,
        "特级技师": .principalTechnician,
        "首席技师": .chiefTechnician,
    ]
}
