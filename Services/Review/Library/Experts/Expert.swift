import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A member of the expert pool (专家库): unit, area, specialities, title, load limit and declared relationships.
public struct Expert: Codable, Sendable, Equatable {
    public var id: ExpertID
    public var name: String
    public var unitName: String
    public var unitCreditCode: String?
    /// The screening body of the expert's area (初审单位代码), for the optional same-area rule.
    public var screeningBodyCode: String?
    /// Industry/field, as applications give theirs: `装备制造/数控加工`.
    public var specialities: [String]
    /// Skill title or professional title (职业技能等级或专业技术职称), free text.
    public var title: String?
    /// The most applications the expert reviews in one round.
    public var maxLoad: Int
    public var relationships: [DeclaredRelationship]
    public var active: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, unitName, unitCreditCode, screeningBodyCode, specialities, title, maxLoad, relationships, active
    }

    public init(id: ExpertID, name: String, unitName: String, unitCreditCode: String?, screeningBodyCode: String?, specialities: [String],
                title: String?, maxLoad: Int, relationships: [DeclaredRelationship], active: Bool) {
        self.id = id
        self.name = name
        self.unitName = unitName
        self.unitCreditCode = unitCreditCode
        self.screeningBodyCode = screeningBodyCode
        self.specialities = specialities
        self.title = title
        self.maxLoad = maxLoad
        self.relationships = relationships
        self.active = active
    }

    /// `relationships` defaults to none and `active` to true, so a new expert needs only the essentials.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(ExpertID.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  unitName: try c.decode(String.self, forKey: .unitName), unitCreditCode: try c.decodeIfPresent(String.self, forKey: .unitCreditCode),
                  screeningBodyCode: try c.decodeIfPresent(String.self, forKey: .screeningBodyCode),
                  specialities: try c.decode([String].self, forKey: .specialities), title: try c.decodeIfPresent(String.self, forKey: .title),
                  maxLoad: try c.decode(Int.self, forKey: .maxLoad),
                  relationships: try c.decodeIfPresent([DeclaredRelationship].self, forKey: .relationships) ?? [],
                  active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true)
    }

    var facts: ExpertFacts {
        ExpertFacts(id: id, unitName: unitName, unitCreditCode: unitCreditCode, screeningBodyCode: screeningBodyCode, relationships: relationships)
    }

    func issues() -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if id.rawValue.isEmpty || id.rawValue.count > 64 || !id.rawValue.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            issues.append(DomainIssue(code: "expert.id", field: "id", messageZh: "专家编号须为 1 至 64 个字母、数字、- 或 _", messageEn: "an expert id is 1 to 64 letters, digits, - or _"))
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(.required("name", nameZh: "专家姓名", nameEn: "The expert's name")) }
        if unitName.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(.required("unitName", nameZh: "专家所在单位", nameEn: "The expert's unit")) }
        if specialities.isEmpty || specialities.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            issues.append(DomainIssue(code: "expert.specialities", field: "specialities", article: Article(11), messageZh: "请至少填写一个专业领域（行业/专业）", messageEn: "give at least one speciality (industry/field)"))
        }
        if !(1...200).contains(maxLoad) {
            issues.append(DomainIssue(code: "expert.max_load", field: "maxLoad", messageZh: "评审上限须在 1 至 200 件之间", messageEn: "maxLoad must be between 1 and 200"))
        }
        // Bounded lists: no client parks a 100,000-element list in the database
        if specialities.count > 50 {
            issues.append(DomainIssue(code: "list_too_long", field: "specialities", messageZh: "专业领域最多 50 项，当前 \(specialities.count) 项", messageEn: "at most 50 specialities; there are \(specialities.count)"))
        }
        if relationships.count > 200 {
            issues.append(DomainIssue(code: "list_too_long", field: "relationships", messageZh: "回避关系最多 200 项，当前 \(relationships.count) 项", messageEn: "at most 200 relationships; there are \(relationships.count)"))
            return issues
        }
        for (index, relation) in relationships.enumerated() where [relation.unitCreditCode, relation.unitName, relation.personName].allSatisfy({ ($0 ?? "").isEmpty }) {
            issues.append(DomainIssue(code: "expert.relationship_target", field: "relationships[\(index)]", messageZh: "回避关系须指明单位（信用代码或名称）或人员", messageEn: "a relationship names a unit (credit code or name) or a person"))
        }
        return issues
    }
}

enum ExpertStore {
    static func decode(_ row: Row) throws -> Expert {
        Expert(id: ExpertID(row["id"] as String), name: row["name"], unitName: row["unit_name"], unitCreditCode: row["unit_credit_code"],
               screeningBodyCode: row["screening_body_code"], specialities: try JSONText.decode([String].self, row["specialities"]),
               title: row["title"], maxLoad: row["max_load"], relationships: try JSONText.decode([DeclaredRelationship].self, row["relationships"]),
               active: row["active"])
    }

    static func all(in db: Database) throws -> [Expert] {
        try Row.fetchAll(db, sql: "SELECT * FROM expert ORDER BY id").map(decode)
    }

    static func find(_ id: ExpertID, in db: Database) throws -> Expert? {
        try Row.fetchOne(db, sql: "SELECT * FROM expert WHERE id = ?", arguments: [id.rawValue]).map(decode)
    }

    static func save(_ expert: Expert, actor: String, nowMillis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO expert (id, name, unit_name, unit_credit_code, screening_body_code, specialities, title, max_load, relationships, active, created_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, unit_name = excluded.unit_name, unit_credit_code = excluded.unit_credit_code,
                screening_body_code = excluded.screening_body_code, specialities = excluded.specialities, title = excluded.title,
                max_load = excluded.max_load, relationships = excluded.relationships, active = excluded.active, updated_at = excluded.updated_at
            """, arguments: [expert.id.rawValue, expert.name, expert.unitName, expert.unitCreditCode, expert.screeningBodyCode,
                             try JSONText.encode(expert.specialities), expert.title, expert.maxLoad, try JSONText.encode(expert.relationships),
                             expert.active, actor, nowMillis, nowMillis])
    }

    /// The fewest applications the department wants the expert to review in a round (default 0).
    static func minimumLoad(of expert: Expert, round: RoundID, in db: Database) throws -> Int {
        guard expert.active else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT min_load FROM expert_round WHERE round_id = ? AND expert_id = ? AND available", arguments: [round.rawValue, expert.id.rawValue]) ?? 0
    }

    /// The expert's capacity in a round: 0 when inactive or marked unavailable, else the round's or the default limit.
    static func capacity(of expert: Expert, round: RoundID, in db: Database) throws -> Int {
        guard expert.active else { return 0 }
        guard let row = try Row.fetchOne(db, sql: "SELECT available, max_load FROM expert_round WHERE round_id = ? AND expert_id = ?", arguments: [round.rawValue, expert.id.rawValue]) else {
            return expert.maxLoad
        }
        guard row["available"] as Bool else { return 0 }
        return (row["max_load"] as Int?) ?? expert.maxLoad
    }
}

/// All conflicts of a round, from the rules and the department's manual entries.
enum ConflictFinder {
    static func manual(in db: Database) throws -> [String: [(reason: String, by: String)]] {
        var result: [String: [(reason: String, by: String)]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM manual_conflict ORDER BY id") {
            result["\(row["expert_id"] as String)|\(row["application_id"] as String)", default: []].append((row["reason"], row["created_by"]))
        }
        return result
    }

    static func conflicts(expert: Expert, application: ReviewApplication, round: ReviewRound, manual: [String: [(reason: String, by: String)]]) -> [Conflict] {
        ConflictRules.conflicts(expert: expert.facts, application: application.facts, excludeSameScreeningBody: round.excludeSameScreeningBody,
                                manual: manual["\(expert.id)|\(application.id)"] ?? [])
    }

    /// The conflicts of one pair. A record that is missing is an error: "no conflict" is a finding about an expert
    /// and an application that exist, never the answer for one that does not.
    static func conflicts(expertID: ExpertID, applicationID: ApplicationID, in db: Database) throws -> [Conflict] {
        guard let expert = try ExpertStore.find(expertID, in: db) else { throw Problem.notFound("expert", zh: "专家", id: expertID) }
        let application = try ApplicationStore.require(applicationID, in: db)
        let round = try RoundStore.require(application.roundID, in: db)
        return conflicts(expert: expert, application: application, round: round, manual: try manual(in: db))
    }
}
