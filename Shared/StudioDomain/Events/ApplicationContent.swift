import Foundation

/// What review needs to know of an application, as intake sends it in `application.submitted` and
/// `application.amended`: enough to check qualification (Art 5(4), 6, 7), rank it and pick experts, and no
/// personal data beyond the leader's name (no ID numbers, phone numbers or addresses).
public struct ApplicationContent: Codable, Hashable, Sendable {
    public var applicationID: ApplicationID
    public var kind: ApplicationKind
    public var roundID: RoundID
    /// The year of the round (申报年度).
    public var year: Int
    /// The screening body (初审单位) that pushed the application (Art 10).
    public var screeningBodyCode: String
    public var applicantUnit: ApplicantUnit
    public var studio: StudioProfile
    public var leader: StudioLeader
    /// Members of the innovation team, the leader included (Art 5(4): at least 3).
    public var teamSize: Int
    /// Titles of the innovation projects (创新项目) the application presents (Art 5(3)).
    public var projectTitles: [String]
    /// The existing studio, for project-grant and demonstration applications; nil for a naming.
    public var studioID: StudioID?
    /// The screening body's order of recommendation (推荐顺序): 1 is its first choice; nil if it gave none.
    public var recommendationOrder: Int?
    /// Industry and technical field (行业/专业领域), for example `装备制造/数控加工`; matched against expert specialities.
    public var speciality: String

    public init(applicationID: ApplicationID, kind: ApplicationKind, roundID: RoundID, year: Int,
                screeningBodyCode: String, applicantUnit: ApplicantUnit, studio: StudioProfile, leader: StudioLeader,
                teamSize: Int, projectTitles: [String], studioID: StudioID? = nil, recommendationOrder: Int? = nil,
                speciality: String) {
        self.applicationID = applicationID
        self.kind = kind
        self.roundID = roundID
        self.year = year
        self.screeningBodyCode = screeningBodyCode
        self.applicantUnit = applicantUnit
        self.studio = studio
        self.leader = leader
        self.teamSize = teamSize
        self.projectTitles = projectTitles
        self.studioID = studioID
        self.recommendationOrder = recommendationOrder
        self.speciality = speciality
    }
}

/// The applicant unit (申报单位) of an application (Art 6).
public struct ApplicantUnit: Codable, Hashable, Sendable {
    public var unitID: UnitID?
    public var name: String
    /// 统一社会信用代码, as intake validated it (kept a string so one bad value cannot poison a queue).
    public var creditCode: String
    public var unitType: UnitType
    /// 建有工会组织 (Art 6).
    public var hasTradeUnion: Bool

    public init(unitID: UnitID? = nil, name: String, creditCode: String, unitType: UnitType, hasTradeUnion: Bool = true) {
        self.unitID = unitID
        self.name = name
        self.creditCode = creditCode
        self.unitType = unitType
        self.hasTradeUnion = hasTradeUnion
    }
}

/// The studio (创新工作室) as the application describes it.
public struct StudioProfile: Codable, Hashable, Sendable {
    public var name: String
    /// The day creation work began (开展创建工作起始日期, Art 7).
    public var creationStartDate: LocalDate

    public init(name: String, creationStartDate: LocalDate) {
        self.name = name
        self.creationStartDate = creationStartDate
    }
}

/// The studio leader (工作室负责人, Art 5(4)): only what review needs.
public struct StudioLeader: Codable, Hashable, Sendable {
    public var name: String
    public var skillLevel: SkillLevel

    public init(name: String, skillLevel: SkillLevel) {
        self.name = name
        self.skillLevel = skillLevel
    }
}
