import Foundation

/// The type of the applicant unit (申报单位). Art 6: only an enterprise, a public institution or a
/// party/government organ (企事业单位或党政机关) with a trade-union organisation may apply.
public enum UnitType: String, Codable, Hashable, Sendable, CaseIterable {
    /// 企业
    case enterprise
    /// 事业单位
    case publicInstitution
    /// 党政机关
    case partyGovernmentOrgan
    /// 社会组织 (社会团体、民办非企业单位、基金会): not named in Art 6, so not eligible.
    case socialOrganisation
    /// Anything else (个体工商户、村（居）委会 …): not eligible.
    case other

    /// Art 6: the unit type may apply (the trade-union condition is checked separately).
    public var isEligibleApplicant: Bool {
        switch self {
        case .enterprise, .publicInstitution, .partyGovernmentOrgan: true
        case .socialOrganisation, .other: false
        }
    }

    public var nameZh: String {
        switch self {
        case .enterprise: "企业"
        case .publicInstitution: "事业单位"
        case .partyGovernmentOrgan: "党政机关"
        case .socialOrganisation: "社会组织"
        case .other: "其他"
        }
    }

    public var nameEn: String {
        switch self {
        case .enterprise: "enterprise"
        case .publicInstitution: "public institution"
        case .partyGovernmentOrgan: "party or government organ"
        case .socialOrganisation: "social organisation"
        case .other: "other"
        }
    }

    /// Parses the raw value or a Chinese name (企业, 事业单位, 党政机关, 机关, 社会组织, 其他).
    public static func parse(_ text: String) -> UnitType? {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let type = UnitType(rawValue: key) { return type }
        switch key {
        case "企业", "公司": return .enterprise
        case "事业单位": return .publicInstitution
        case "党政机关", "机关", "党政机关单位", "国家机关": return .partyGovernmentOrgan
        case "社会组织", "社会团体", "民办非企业单位", "基金会": return .socialOrganisation
        case "其他", "其它": return .other
        default: return nil
        }
    }
}
