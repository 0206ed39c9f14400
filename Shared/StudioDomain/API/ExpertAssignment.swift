import Foundation

/// One of an expert's assignments as review answers `GET /me/assignments` and the portal reads it: one definition
/// for the service and its client.
public struct MyAssignment: Codable, Sendable {
    public var applicationId: ApplicationID
    public var roundId: RoundID
    public var studioName: String
    public var unitName: String
    public var speciality: String
    public var projectTitles: [String]
    public var sheetStatus: String?
    public var scoringDeadline: LocalDate?
    /// The round's criteria, scales and weights, for the expert's score sheet.
    public var rubric: Rubric

    public init(applicationId: ApplicationID, roundId: RoundID, studioName: String, unitName: String, speciality: String,
                projectTitles: [String], sheetStatus: String?, scoringDeadline: LocalDate?, rubric: Rubric) {
        self.applicationId = applicationId
        self.roundId = roundId
        self.studioName = studioName
        self.unitName = unitName
        self.speciality = speciality
        self.projectTitles = projectTitles
        self.sheetStatus = sheetStatus
        self.scoringDeadline = scoringDeadline
        self.rubric = rubric
    }
}

/// One criterion of a round's scoring rubric (评分细则): scored 0…`maxScore` in whole points, weighted
/// `weight` percent of the 100-point total.
public struct Criterion: Codable, Hashable, Sendable {
    public var key: String
    public var nameZh: String
    public var nameEn: String
    /// The article the criterion rests on, `第五条第（一）项 / Art. 5(1)`.
    public var article: String?
    public var maxScore: Int
    public var weight: Int
    /// 评分要点: what the expert looks for, in a sentence or two, printed on the score sheet. Optional.
    public var guidanceZh: String?

    public init(key: String, nameZh: String, nameEn: String, article: Article?, maxScore: Int, weight: Int, guidanceZh: String? = nil) {
        self.key = key
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.article = article?.reference
        self.maxScore = maxScore
        self.weight = weight
        self.guidanceZh = guidanceZh
    }
}

/// The criteria of a round; weights add up to 100, so a sheet's total is a score out of 100.
public struct Rubric: Codable, Hashable, Sendable {
    public var criteria: [Criterion]

    public init(criteria: [Criterion]) { self.criteria = criteria }
}
