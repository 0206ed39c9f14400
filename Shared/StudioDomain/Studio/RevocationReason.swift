import Foundation

/// Why a studio lost its city-level title.
public enum RevocationReason: String, Codable, Hashable, Sendable, CaseIterable {
    /// 考核不合格 (Art 17): failed the assessment at the end of a cycle.
    case assessmentFailed
    /// 剽窃、弄虚作假 (Art 20): plagiarism or falsification, followed by a public notice (通报).
    case plagiarismOrFraud
    /// Any other decision of the city federation, explained in the event's details.
    case other

    public var article: Article? {
        switch self {
        case .assessmentFailed: Article(17)
        case .plagiarismOrFraud: Article(20)
        case .other: nil
        }
    }

    public var nameZh: String {
        switch self {
        case .assessmentFailed: "周期考核不合格"
        case .plagiarismOrFraud: "剽窃、弄虚作假"
        case .other: "其他"
        }
    }

    public var nameEn: String {
        switch self {
        case .assessmentFailed: "failed the cycle assessment"
        case .plagiarismOrFraud: "plagiarism or falsification"
        case .other: "other"
        }
    }
}
