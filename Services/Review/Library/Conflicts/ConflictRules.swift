import Foundation
import StudioDomain

/// A declared relationship of an expert (申报回避关系) with a unit or a person.
public enum RelationshipKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// 师徒关系
    case masterApprentice
    /// 供应商/客户关系
    case supplier
    /// 原工作单位
    case formerEmployer
    /// 亲属关系
    case relative

    public var nameZh: String {
        switch self {
        case .masterApprentice: "师徒关系"
        case .supplier: "供应关系"
        case .formerEmployer: "原工作单位"
        case .relative: "亲属关系"
        }
    }
}

public struct DeclaredRelationship: Codable, Hashable, Sendable {
    public var kind: RelationshipKind
    /// The unit's 统一社会信用代码, when the relationship is with a unit.
    public var unitCreditCode: String?
    /// The unit's name, when the code is not known.
    public var unitName: String?
    /// The person, when the relationship is with a person (a studio leader).
    public var personName: String?
    public var note: String?

    public init(kind: RelationshipKind, unitCreditCode: String? = nil, unitName: String? = nil, personName: String? = nil, note: String? = nil) {
        self.kind = kind
        self.unitCreditCode = unitCreditCode
        self.unitName = unitName
        self.personName = personName
        self.note = note
    }
}

/// What conflict rules look at on the expert's side.
public struct ExpertFacts: Sendable, Hashable {
    public var id: ExpertID
    public var unitName: String
    public var unitCreditCode: String?
    /// The screening body of the expert's area (初审单位代码), if any.
    public var screeningBodyCode: String?
    public var relationships: [DeclaredRelationship]

    public init(id: ExpertID, unitName: String, unitCreditCode: String?, screeningBodyCode: String?, relationships: [DeclaredRelationship]) {
        self.id = id
        self.unitName = unitName
        self.unitCreditCode = unitCreditCode
        self.screeningBodyCode = screeningBodyCode
        self.relationships = relationships
    }
}

/// What conflict rules look at on the application's side.
public struct ApplicationFacts: Sendable, Hashable {
    public var id: ApplicationID
    public var unitName: String
    public var unitCreditCode: String
    public var screeningBodyCode: String
    public var leaderName: String
    /// The team members besides the leader (names only).
    public var memberNames: [String]

    public init(id: ApplicationID, unitName: String, unitCreditCode: String, screeningBodyCode: String, leaderName: String, memberNames: [String] = []) {
        self.id = id
        self.unitName = unitName
        self.unitCreditCode = unitCreditCode
        self.screeningBodyCode = screeningBodyCode
        self.leaderName = leaderName
        self.memberNames = memberNames
    }
}

/// One reason an expert may not review an application: the rule and the fact that triggered it.
public struct Conflict: Codable, Hashable, Sendable {
    /// `same_unit`, `declared_relationship`, `same_screening_body`, `manual` (the department) or `declared_by_expert` (a recusal).
    public var rule: String
    public var expertID: ExpertID
    public var applicationID: ApplicationID
    public var factZh: String
    public var factEn: String

    /// The API's one convention: camelCase ids (`expertId`, `applicationId`), as POST takes them.
    enum CodingKeys: String, CodingKey {
        case rule, factZh, factEn
        case expertID = "expertId"
        case applicationID = "applicationId"
    }
}

/// The conflict-of-interest rules (回避规则). A pure function of the facts, so every conflict can be
/// explained and tested without a database.
public enum ConflictRules {
    static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a = a?.trimmingCharacters(in: .whitespaces).uppercased(), let b = b?.trimmingCharacters(in: .whitespaces).uppercased(),
              !a.isEmpty else { return false }
        return a == b
    }

    public static func conflicts(expert: ExpertFacts, application: ApplicationFacts, excludeSameScreeningBody: Bool,
                                 manual: [(reason: String, by: String)] = []) -> [Conflict] {
        var found: [Conflict] = []
        func add(_ rule: String, _ zh: String, _ en: String) {
            found.append(Conflict(rule: rule, expertID: expert.id, applicationID: application.id, factZh: zh, factEn: en))
        }
        if same(expert.unitCreditCode, application.unitCreditCode) || same(expert.unitName, application.unitName) {
            add("same_unit", "专家所在单位即申报单位（\(application.unitName)）", "the expert works at the applicant unit (\(application.unitName))")
        }
        for relation in expert.relationships {
            if same(relation.unitCreditCode, application.unitCreditCode) || same(relation.unitName, application.unitName) {
                add("declared_relationship", "专家申报了与申报单位 \(application.unitName) 的\(relation.kind.nameZh)",
                    "the expert declared a \(relation.kind.rawValue) relationship with the applicant unit \(application.unitName)")
            } else if same(relation.personName, application.leaderName) {
                add("declared_relationship", "专家申报了与工作室负责人 \(application.leaderName) 的\(relation.kind.nameZh)",
                    "the expert declared a \(relation.kind.rawValue) relationship with the studio leader \(application.leaderName)")
            } else if let member = application.memberNames.first(where: { same(relation.personName, $0) }) {
                add("declared_relationship", "专家申报了与创新团队成员 \(member) 的\(relation.kind.nameZh)",
                    "the expert declared a \(relation.kind.rawValue) relationship with the team member \(member)")
            }
        }
        if excludeSameScreeningBody, same(expert.screeningBodyCode, application.screeningBodyCode) {
            add("same_screening_body", "本批次回避同一初审单位，专家与申报均属 \(application.screeningBodyCode)",
                "this round excludes the expert's own screening body, and both belong to \(application.screeningBodyCode)")
        }
        for entry in manual {
            if entry.by.hasPrefix("expert:") {
                add("declared_by_expert", "专家本人申报回避：\(entry.reason)", "the expert declared a conflict and recused: \(entry.reason)")
            } else {
                add("manual", "经济工作部登记回避（\(entry.by)）：\(entry.reason)", "conflict added by the department (\(entry.by)): \(entry.reason)")
            }
        }
        return found
    }

    /// Mismatch cost of a pair for the assignment: 0 when an expert speciality equals the application's field
    /// (`装备制造/数控加工`), 1 when only the industry (the part before `/`) matches, 3 otherwise.
    public static func specialityCost(expertSpecialities: [String], applicationSpeciality: String) -> Int32 {
        let field = applicationSpeciality.trimmingCharacters(in: .whitespaces)
        let industry = field.split(separator: "/").first.map(String.init) ?? field
        var best: Int32 = 3
        for speciality in expertSpecialities {
            let own = speciality.trimmingCharacters(in: .whitespaces)
            if own == field { return 0 }
            if (own.split(separator: "/").first.map(String.init) ?? own) == industry, !industry.isEmpty { best = min(best, 1) }
        }
        return best
    }
}
