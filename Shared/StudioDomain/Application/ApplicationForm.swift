import Foundation

/// A value coded by its `CodingKeys`, which list every stored property (`CaseIterable`), so code written per field
/// (intake's fast JSON writer, the import columns, the portal's inputs) switches over the keys and the compiler names
/// the field it misses. Swift's synthesis does not catch an optional `var` left out of `CodingKeys` (it is quietly
/// not coded): `CodingKeysTests` holds every stored property against the keys.
public protocol CodableFields: Codable, Hashable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable<String> & Sendable
}

extension CodableFields {
    /// The keys in the order `DomainJSON.encoder()` writes them (sorted by their UTF-8 bytes).
    public static var keysInEncodedOrder: [CodingKeys] {
        CodingKeys.allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
    }
}

/// What a screening body fills in for an application (申报表). Every field is optional so a draft can be saved
/// incomplete; submission checks completeness and eligibility (`SubmissionCheck`). Levels and unit types are
/// text, so the forms' Chinese wording (`三级/高级工`, `企业`) is accepted as well as the API's raw values.
public struct ApplicationForm: CodableFields {
    public var applicantUnit: UnitForm?
    public var studio: StudioForm?
    public var leader: LeaderForm?
    public var team: TeamForm?
    /// 工作制度 (Art 5(2)): goals and rules, and how they tie into the unit's production and R&D.
    public var workRules: String?
    /// 创新项目 (Art 5(3)).
    public var projects: [ProjectForm]?
    public var results: ResultsForm?
    /// 行业/专业领域, for matching experts; the leader's speciality when absent.
    public var industryField: String?
    /// 初审意见 and 推荐顺序 of the screening body (Art 10).
    public var screening: ScreeningForm?
    /// The existing studio, for project-grant (Art 13) and demonstration (Art 14) applications.
    public var studioId: StudioID?

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case applicantUnit, studio, leader, team, workRules, projects, results, industryField, screening, studioId
    }

    public init(applicantUnit: UnitForm? = nil, studio: StudioForm? = nil, leader: LeaderForm? = nil, team: TeamForm? = nil,
                workRules: String? = nil, projects: [ProjectForm]? = nil, results: ResultsForm? = nil,
                industryField: String? = nil, screening: ScreeningForm? = nil, studioId: StudioID? = nil) {
        self.applicantUnit = applicantUnit
        self.studio = studio
        self.leader = leader
        self.team = team
        self.workRules = workRules
        self.projects = projects
        self.results = results
        self.industryField = industryField
        self.screening = screening
        self.studioId = studioId
    }
}

/// 申报单位 (Art 6).
public struct UnitForm: CodableFields {
    public var name: String?
    /// 统一社会信用代码 (GB 32100).
    public var creditCode: String?
    /// `enterprise`, `publicInstitution`, `partyGovernmentOrgan`, … or 企业, 事业单位, 党政机关, …
    public var unitType: String?
    public var hasTradeUnion: Bool?
    public var tradeUnionName: String?

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, creditCode, unitType, hasTradeUnion, tradeUnionName
    }

    public init(name: String? = nil, creditCode: String? = nil, unitType: String? = nil, hasTradeUnion: Bool? = nil, tradeUnionName: String? = nil) {
        self.name = name
        self.creditCode = creditCode
        self.unitType = unitType
        self.hasTradeUnion = hasTradeUnion
        self.tradeUnionName = tradeUnionName
    }
}

/// 工作室 (Art 5(1), 7).
public struct StudioForm: CodableFields {
    public var name: String?
    /// 开展创建工作起始日期 (Art 7).
    public var creationStartDate: LocalDate?
    /// 具有功能明确的固定场地 (Art 5(1)).
    public var hasFixedSite: Bool?
    public var siteAddress: String?
    /// Square metres.
    public var siteArea: Double?
    /// 必要经费, per year, in fen.
    public var funds: Money?
    public var officeFacilities: String?
    public var equipment: String?

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, creationStartDate, hasFixedSite, siteAddress, siteArea, funds, officeFacilities, equipment
    }

    public init(name: String? = nil, creationStartDate: LocalDate? = nil, hasFixedSite: Bool? = nil, siteAddress: String? = nil,
                siteArea: Double? = nil, funds: Money? = nil, officeFacilities: String? = nil, equipment: String? = nil) {
        self.name = name
        self.creationStartDate = creationStartDate
        self.hasFixedSite = hasFixedSite
        self.siteAddress = siteAddress
        self.siteArea = siteArea
        self.funds = funds
        self.officeFacilities = officeFacilities
        self.equipment = equipment
    }
}

/// 工作室负责人 (Art 5(4)).
public struct LeaderForm: CodableFields {
    public var name: String?
    /// 居民身份证号码 (GB 11643). Never leaves intake.
    public var idNumber: String?
    /// 技术专长
    public var speciality: String?
    /// 职业技能等级: `senior` or 三级/高级工 …
    public var skillLevel: String?
    public var certificateNumber: String?
    public var phone: String?

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, idNumber, speciality, skillLevel, certificateNumber, phone
    }

    public init(name: String? = nil, idNumber: String? = nil, speciality: String? = nil, skillLevel: String? = nil,
                certificateNumber: String? = nil, phone: String? = nil) {
        self.name = name
        self.idNumber = idNumber
        self.speciality = speciality
        self.skillLevel = skillLevel
        self.certificateNumber = certificateNumber
        self.phone = phone
    }
}

/// The team besides the leader (Art 5(4): 3 people or more in all, the leader counted).
public struct TeamForm: CodableFields {
    public var members: [MemberForm]?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case members
    }

    public init(members: [MemberForm]? = nil) { self.members = members }
}

public struct MemberForm: CodableFields {
    public var name: String?
    public var role: String?
    public var skillLevel: String?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, role, skillLevel
    }

    public init(name: String? = nil, role: String? = nil, skillLevel: String? = nil) {
        self.name = name
        self.role = role
        self.skillLevel = skillLevel
    }
}

/// 创新项目 (Art 5(3)): commissioned by the own or an outside unit, with content, time limit, requirements,
/// acceptance standard and funding.
public struct ProjectForm: CodableFields {
    public var title: String?
    public var commissioningUnit: String?
    public var content: String?
    public var startDate: LocalDate?
    public var endDate: LocalDate?
    public var requirements: String?
    public var acceptanceStandard: String?
    /// 项目经费 in fen.
    public var funding: Money?

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case title, commissioningUnit, content, startDate, endDate, requirements, acceptanceStandard, funding
    }

    public init(title: String? = nil, commissioningUnit: String? = nil, content: String? = nil, startDate: LocalDate? = nil,
                endDate: LocalDate? = nil, requirements: String? = nil, acceptanceStandard: String? = nil, funding: Money? = nil) {
        self.title = title
        self.commissioningUnit = commissioningUnit
        self.content = content
        self.startDate = startDate
        self.endDate = endDate
        self.requirements = requirements
        self.acceptanceStandard = acceptanceStandard
        self.funding = funding
    }
}

/// 创新成果
public struct ResultsForm: CodableFields {
    public var patents: [String]?
    public var awards: [String]?
    public var papers: [String]?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case patents, awards, papers
    }

    public init(patents: [String]? = nil, awards: [String]? = nil, papers: [String]? = nil) {
        self.patents = patents
        self.awards = awards
        self.papers = papers
    }
}

/// 初审意见 and 推荐顺序 (Art 10).
public struct ScreeningForm: CodableFields {
    public var opinion: String?
    /// 1 is the body's first choice.
    public var recommendationOrder: Int?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case opinion, recommendationOrder
    }

    public init(opinion: String? = nil, recommendationOrder: Int? = nil) {
        self.opinion = opinion
        self.recommendationOrder = recommendationOrder
    }
}
