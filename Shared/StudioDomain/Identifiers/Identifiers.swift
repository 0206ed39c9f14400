import Foundation

/// An application (申报) of any kind: naming, project grant or demonstration.
public struct ApplicationID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A named city-level studio (市级创新工作室), from its naming on.
public struct StudioID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A yearly round (评选批次) of naming, project-grant or demonstration selection.
public struct RoundID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A member of the expert pool (专家组成员).
public struct ExpertID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A grant (补助经费) decided for a studio: naming, project or demonstration money.
public struct GrantID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An applicant unit (申报单位): the enterprise, public institution or organ that hosts a studio.
public struct UnitID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A joint inspection of fund use (联合检查, Art 16).
public struct InspectionID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A public notice: a 公示 of a proposed list, or a 通报 after a revocation (Art 20).
public struct NoticeID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A cycle-end or acceptance assessment (考核, Art 14 and 17).
public struct AssessmentID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A payment batch (拨付批次): the approved grants finance hands to the bank in one file.
public struct PaymentBatchID: DomainIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
