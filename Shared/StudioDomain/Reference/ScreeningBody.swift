import Foundation

/// A screening body (初审单位, Art 10): the body that pre-screens the applications of its area or system and
/// pushes the best ones to the department. The list is reference data: new bodies come from a JSON file,
/// not from code (see `ReferenceData`).
///
/// JSON: `{"code": "330802", "name_zh": "柯城区总工会", "name_en": "Kecheng District Federation of Trade Unions",
/// "kind": "countyFederation", "active": true}`.
public struct ScreeningBody: Codable, Hashable, Sendable, Identifiable {
    /// Stable code: the administrative division code for a county federation (`330802`), otherwise a chosen
    /// code such as `QZ-GIC`.
    public var code: String
    public var nameZh: String
    public var nameEn: String?
    public var kind: Kind
    /// A body that was merged or dissolved stays known (old applications refer to it) but takes no new ones.
    public var active: Bool

    public var id: String { code }

    public init(code: String, nameZh: String, nameEn: String? = nil, kind: Kind, active: Bool = true) {
        self.code = code
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.kind = kind
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case code, kind, active
        case nameZh = "name_zh"
        case nameEn = "name_en"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        nameZh = try container.decode(String.self, forKey: .nameZh)
        nameEn = try container.decodeIfPresent(String.self, forKey: .nameEn)
        kind = try container.decode(Kind.self, forKey: .kind)
        active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? true
    }

    /// The four kinds the notice of 衢总工字〔2016〕38号 is addressed to.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// 县（市、区）总工会
        case countyFederation
        /// 衢州绿色产业集聚区总工会
        case industryClusterUnion
        /// 市级产业工会
        case cityIndustryUnion
        /// 市直系统工委
        case citySystemCommittee

        public var nameZh: String {
            switch self {
            case .countyFederation: "县（市、区）总工会"
            case .industryClusterUnion: "衢州绿色产业集聚区总工会"
            case .cityIndustryUnion: "市级产业工会"
            case .citySystemCommittee: "市直系统工委"
            }
        }

        public var nameEn: String {
            switch self {
            case .countyFederation: "county-level federation of trade unions"
            case .industryClusterUnion: "Quzhou Green Industry Cluster federation of trade unions"
            case .cityIndustryUnion: "city industry union"
            case .citySystemCommittee: "city-level system trade-union working committee"
            }
        }
    }
}
