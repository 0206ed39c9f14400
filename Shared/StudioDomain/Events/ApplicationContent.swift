import Foundation

/// What review needs to know of an application, as intake sends it in `application.submitted` and
/// `application.amended`: enough to check qualification (Art 5(4), 6, 7), rank it and pick experts, and no
/// personal data beyond the leader's name (no ID numbers, phone numbers or addresses).
public struct ApplicationContent: CodableFields {
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
    /// The names of the team members besides the leader, and nothing else of them: review matches the experts'
    /// declared relationships (师徒、亲属…) against them and shows them to no expert. Nil from senders that predate it.
    public var teamMemberNames: [String]?
    /// Titles of the innovation projects (创新项目) the application presents (Art 5(3)).
    public var projectTitles: [String]
    /// The existing studio, for project-grant and demonstration applications; nil for a naming.
    public var studioID: StudioID?
    /// The screening body's order of recommendation (推荐顺序): 1 is its first choice; nil if it gave none.
    public var recommendationOrder: Int?
    /// Industry and technical field (行业/专业领域), for example `装备制造/数控加工`; matched against expert specialities.
    public var speciality: String
    /// The material experts score (facilities, work rules, projects, results, the screening opinion); nil from
    /// senders that predate it. Added in intake's first release; optional so older payloads still decode.
    public var details: ApplicationDetails?

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case applicationID, kind, roundID, year, screeningBodyCode, applicantUnit, studio, leader, teamSize, teamMemberNames, projectTitles, studioID, recommendationOrder, speciality, details
    }

    public init(applicationID: ApplicationID, kind: ApplicationKind, roundID: RoundID, year: Int,
                screeningBodyCode: String, applicantUnit: ApplicantUnit, studio: StudioProfile, leader: StudioLeader,
                teamSize: Int, teamMemberNames: [String]? = nil, projectTitles: [String], studioID: StudioID? = nil,
                recommendationOrder: Int? = nil, speciality: String, details: ApplicationDetails? = nil) {
        self.applicationID = applicationID
        self.kind = kind
        self.roundID = roundID
        self.year = year
        self.screeningBodyCode = screeningBodyCode
        self.applicantUnit = applicantUnit
        self.studio = studio
        self.leader = leader
        self.teamSize = teamSize
        self.teamMemberNames = teamMemberNames
        self.projectTitles = projectTitles
        self.studioID = studioID
        self.recommendationOrder = recommendationOrder
        self.speciality = speciality
        self.details = details
    }
}

/// What the application says about Art 5(1)–(3) and its results, for qualification review and the experts. No
/// personal data: no ID numbers, phone numbers or names beyond the leader's (in `StudioLeader`).
public struct ApplicationDetails: CodableFields {
    /// 场地面积 in square metres (Art 5(1)).
    public var siteArea: Double?
    /// 工作室经费 per year (Art 5(1)).
    public var funds: Money?
    public var officeFacilities: String?
    public var equipment: String?
    /// 工作制度 (Art 5(2)).
    public var workRules: String?
    /// 创新项目 (Art 5(3)).
    public var projects: [InnovationProject]
    /// The leader's technical speciality (技术专长, Art 5(4)).
    public var leaderSpeciality: String?
    public var patents: [String]
    public var awards: [String]
    public var papers: [String]
    /// 初审意见 of the screening body (Art 10).
    public var screeningOpinion: String?
    /// The attachments at the time of this version, by content hash (kept by intake).
    public var attachments: [AttachmentReference]

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case siteArea, funds, officeFacilities, equipment, workRules, projects, leaderSpeciality, patents, awards, papers, screeningOpinion, attachments
    }

    public init(siteArea: Double? = nil, funds: Money? = nil, officeFacilities: String? = nil, equipment: String? = nil,
                workRules: String? = nil, projects: [InnovationProject] = [], leaderSpeciality: String? = nil,
                patents: [String] = [], awards: [String] = [], papers: [String] = [], screeningOpinion: String? = nil,
                attachments: [AttachmentReference] = []) {
        self.siteArea = siteArea
        self.funds = funds
        self.officeFacilities = officeFacilities
        self.equipment = equipment
        self.workRules = workRules
        self.projects = projects
        self.leaderSpeciality = leaderSpeciality
        self.patents = patents
        self.awards = awards
        self.papers = papers
        self.screeningOpinion = screeningOpinion
        self.attachments = attachments
    }
}

/// An innovation project (创新项目, Art 5(3)) as the application presents it: the form's own `ProjectForm`; intake
/// sends only the projects that have a title (review's document requires it).
public typealias InnovationProject = ProjectForm

/// An attachment of an application, by its SHA-256; intake serves the file.
public struct AttachmentReference: CodableFields {
    public var sha256: String
    public var fileName: String
    public var mediaType: String
    public var size: Int

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case sha256, fileName, mediaType, size
    }

    public init(sha256: String, fileName: String, mediaType: String, size: Int) {
        self.sha256 = sha256
        self.fileName = fileName
        self.mediaType = mediaType
        self.size = size
    }
}

/// The applicant unit (申报单位) of an application (Art 6).
public struct ApplicantUnit: CodableFields {
    public var unitID: UnitID?
    public var name: String
    /// 统一社会信用代码, as intake validated it (kept a string so one bad value cannot poison a queue).
    public var creditCode: String
    public var unitType: UnitType
    /// 建有工会组织 (Art 6).
    public var hasTradeUnion: Bool

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case unitID, name, creditCode, unitType, hasTradeUnion
    }

    public init(unitID: UnitID? = nil, name: String, creditCode: String, unitType: UnitType, hasTradeUnion: Bool = true) {
        self.unitID = unitID
        self.name = name
        self.creditCode = creditCode
        self.unitType = unitType
        self.hasTradeUnion = hasTradeUnion
    }
}

/// The studio (创新工作室) as the application describes it.
public struct StudioProfile: CodableFields {
    public var name: String
    /// The day creation work began (开展创建工作起始日期, Art 7).
    public var creationStartDate: LocalDate

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, creationStartDate
    }

    public init(name: String, creationStartDate: LocalDate) {
        self.name = name
        self.creationStartDate = creationStartDate
    }
}

/// The studio leader (工作室负责人, Art 5(4)): only what review needs.
public struct StudioLeader: CodableFields {
    public var name: String
    public var skillLevel: SkillLevel

    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case name, skillLevel
    }

    public init(name: String, skillLevel: SkillLevel) {
        self.name = name
        self.skillLevel = skillLevel
    }
}
