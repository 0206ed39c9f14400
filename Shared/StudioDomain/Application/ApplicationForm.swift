import Foundation

/// A value coded by its `CodingKeys`, which list every stored property (`CaseIterable`), so code written per field
/// (the printed form below, intake's import columns) switches over the keys and the compiler names the field it
/// misses. Swift's synthesis does not catch an optional `var` left out of `CodingKeys` (it is quietly not coded):
/// `FormFieldsTests` holds every stored property against the keys.
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
/// Each struct of the form also says how the printed form asks for each of its fields (`PrintedFields`).
public struct ApplicationForm: PrintedFields {
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

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .applicantUnit: .part(UnitForm.self)
        case .studio: .part(StudioForm.self)
        case .leader: .part(LeaderForm.self)
        case .team: .part(TeamForm.self)
        case .workRules: .entry("工作目标与制度", .paragraph)
        case .projects: .table(ProjectForm.self, rows: 3)
        case .results: .part(ResultsForm.self)
        case .industryField: .entry("行业/专业领域", .text, hint: "用于匹配评审专家；空缺时按负责人技术专长")
        case .screening: .part(ScreeningForm.self)
        case .studioId: .entry("已命名工作室", .namedStudio)
        }
    }

    /// The part of the printed form a field is in.
    public static func section(_ key: CodingKeys) -> FormSection {
        switch key {
        case .applicantUnit: .applicantUnit
        case .studio: .studio
        case .leader: .leader
        case .team: .team
        case .workRules, .industryField: .workRules
        case .projects: .projects
        case .results: .results
        case .screening: .screening
        case .studioId: .appliedStudio
        }
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
public struct UnitForm: PrintedFields {
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

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .name: .entry("单位名称", .text)
        case .creditCode: .entry("统一社会信用代码", .text, hint: "18位，GB 32100")
        case .unitType: .entry("单位性质", .unitType)
        case .hasTradeUnion: .entry("是否建有工会组织", .yesNo)
        case .tradeUnionName: .entry("工会名称", .text)
        }
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
public struct StudioForm: PrintedFields {
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

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .name: .entry("工作室名称", .text)
        case .creationStartDate: .entry("开展创建工作起始日期", .date)
        case .hasFixedSite: .entry("是否有功能明确的固定场地", .yesNo)
        case .siteAddress: .entry("场地地址", .text)
        case .siteArea: .entry("场地面积（平方米）", .decimal)
        case .funds: .entry("年度经费（元）", .money)
        case .officeFacilities: .entry("办公设施", .text)
        case .equipment: .entry("设备", .text)
        }
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
public struct LeaderForm: PrintedFields {
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

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .name: .entry("姓名", .text)
        case .idNumber: .entry("居民身份证号码", .text, hint: "仅用于资格审查，不会公开")
        case .speciality: .entry("技术专长", .text)
        case .skillLevel: .entry("职业技能等级", .skillLevel)
        case .certificateNumber: .entry("职业技能等级证书编号", .text)
        case .phone: .entry("联系电话", .text)
        }
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
public struct TeamForm: PrintedFields {
    public var members: [MemberForm]?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case members
    }

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .members: .table(MemberForm.self, rows: 6)
        }
    }

    public init(members: [MemberForm]? = nil) { self.members = members }
}

public struct MemberForm: PrintedFields {
    public var name: String?
    public var role: String?
    public var skillLevel: String?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, role, skillLevel
    }

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .name: .entry("姓名", .text)
        case .role: .entry("分工", .text)
        case .skillLevel: .entry("职业技能等级", .skillLevel)
        }
    }

    public init(name: String? = nil, role: String? = nil, skillLevel: String? = nil) {
        self.name = name
        self.role = role
        self.skillLevel = skillLevel
    }
}

/// 创新项目 (Art 5(3)): commissioned by the own or an outside unit, with content, time limit, requirements,
/// acceptance standard and funding.
public struct ProjectForm: PrintedFields {
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

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .title: .entry("项目名称", .text)
        case .commissioningUnit: .entry("委托单位", .text)
        case .content: .entry("项目内容", .paragraph)
        case .startDate: .entry("开始日期", .date)
        case .endDate: .entry("完成时限", .date)
        case .requirements: .entry("项目要求", .paragraph)
        case .acceptanceStandard: .entry("验收标准", .paragraph)
        case .funding: .entry("项目经费（元）", .money)
        }
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
public struct ResultsForm: PrintedFields {
    public var patents: [String]?
    public var awards: [String]?
    public var papers: [String]?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case patents, awards, papers
    }

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .patents: .entry("专利", .lines)
        case .awards: .entry("获奖", .lines)
        case .papers: .entry("论文、技术成果", .lines)
        }
    }

    public init(patents: [String]? = nil, awards: [String]? = nil, papers: [String]? = nil) {
        self.patents = patents
        self.awards = awards
        self.papers = papers
    }
}

/// 初审意见 and 推荐顺序 (Art 10).
public struct ScreeningForm: PrintedFields {
    public var opinion: String?
    /// 1 is the body's first choice.
    public var recommendationOrder: Int?
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case opinion, recommendationOrder
    }

    public static func printed(_ key: CodingKeys) -> PrintedField {
        switch key {
        case .opinion: .entry("初审意见", .paragraph)
        case .recommendationOrder: .entry("推荐顺序", .wholeNumber, hint: "1 为首选")
        }
    }

    public init(opinion: String? = nil, recommendationOrder: Int? = nil) {
        self.opinion = opinion
        self.recommendationOrder = recommendationOrder
    }
}

// MARK: The printed form

/// A struct of the form that says how the printed 申报表 asks for each of its fields: one exhaustive `switch` over its
/// keys, beside them, so a field added to the struct does not compile until it has its label. The portal draws its
/// inputs, the printable form and the department's reading from this description, with no list of fields of its own.
public protocol PrintedFields: CodableFields {
    static func printed(_ key: CodingKeys) -> PrintedField
    /// Every field in the struct's order, by its key.
    static var printedFields: [(key: String, field: PrintedField)] { get }
}

extension PrintedFields {
    public static var printedFields: [(key: String, field: PrintedField)] {
        CodingKeys.allCases.map { ($0.rawValue, printed($0)) }
    }
}

/// One field as the printed 申报表 has it.
public enum PrintedField: Sendable {
    /// An entry: its printed label, what kind of entry it is, and the hint printed with it.
    case entry(String, FormEntry, hint: String? = nil)
    /// A part of its own (申报单位, 工作室 …), printed field by field.
    case part(any PrintedFields.Type)
    /// A table of a part, one row each (团队成员, 创新项目), with as many rows as the printed form has.
    case table(any PrintedFields.Type, rows: Int)
}

/// What kind of entry a field of the 申报表 is.
public enum FormEntry: Sendable, Equatable {
    /// A line of text.
    case text
    /// Text of several lines (制度, 项目内容, 意见).
    case paragraph
    /// A list, one item a line (专利, 获奖, 论文).
    case lines
    case date
    /// A number that may have decimals (场地面积).
    case decimal
    /// A whole number (推荐顺序).
    case wholeNumber
    /// An amount in yuan, kept in fen.
    case money
    /// 是 or 否.
    case yesNo
    /// One of the unit types of Art 6 (单位性质).
    case unitType
    /// One of the occupational skill levels (职业技能等级).
    case skillLevel
    /// A studio already named, from the register (project grants, Art 13; demonstration studios, Art 14).
    case namedStudio

    /// What a choosing entry offers, by the value the form keeps and its printed wording; nil for an entry that is
    /// written in (and for a named studio, whose choices are the register's).
    public var choices: [(value: String, label: String)]? {
        switch self {
        case .yesNo: [("true", "是"), ("false", "否")]
        case .unitType: UnitType.allCases.map { ($0.rawValue, $0.nameZh) }
        case .skillLevel: SkillLevel.allCases.map { ($0.rawValue, $0.nameZh) }
        case .text, .paragraph, .lines, .date, .decimal, .wholeNumber, .money, .namedStudio: nil
        }
    }
}

/// The parts of the printed 申报表, in its order: the studio applied for (not on a naming application), then
/// 一 to 八, each headed by its title and the articles it answers.
public enum FormSection: CaseIterable, Sendable {
    case appliedStudio, applicantUnit, studio, leader, team, workRules, projects, results, screening

    /// The part's title and note on the form of an application of `kind`; nil when that form has no such part.
    public func heading(on kind: ApplicationKind) -> (title: String, note: String?)? {
        switch self {
        case .appliedStudio:
            switch kind {
            case .naming: nil
            case .projectGrant: ("申报的工作室", "项目资助（第十三条）：已命名工作室自命名周期第二年起可申报。")
            case .demonstration: ("申报的工作室", "示范性创新工作室（第十四条）：从已命名的市级、省级工作室中推荐。")
            }
        case .applicantUnit: ("一、申报单位", "第六条：企事业单位、党政机关，且建有工会组织。")
        case .studio: ("二、工作室基本情况", "第五条第（一）项、第七条：固定场地、必要经费、办公设施；创建满6个月。")
        case .leader: ("三、工作室负责人", "第五条第（四）项：有技术专长，职业技能等级高级（三级）及以上。")
        case .team: ("四、团队成员（负责人以外）", "第五条第（四）项：团队（含负责人）不少于3人。未用的行留空。")
        case .workRules: ("五、工作制度", "第五条第（二）项：目标明确，制度与本单位生产、研发相结合。")
        case .projects: ("六、创新项目", "第五条第（三）项：每年至少承担一项本单位或外单位委托的创新项目，有内容、时限、要求和验收标准，有经费。")
        case .results: ("七、创新成果", "每行一项。")
        case .screening: ("八、初审意见", "第十条：县（市、区）总工会、市直系统工委初审，择优推荐。")
        }
    }
}
