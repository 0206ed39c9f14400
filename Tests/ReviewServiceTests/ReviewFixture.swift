import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// A review service in memory, with tokens for each role and helpers to speak JSON to it.
struct ReviewFixture {
    let service: TestService
    let department: String
    let federation: String

    init() throws {
        service = try TestService(ReviewModule())
        department = try service.token(.department)
        federation = try service.token(.federation)
    }

    func expertToken(_ id: String) throws -> String { try service.token(.expert, subject: id) }

    static func content(_ id: String, round: String = "naming-2026", kind: ApplicationKind = .naming, unit: String = "unit", code: String? = nil,
                        body: String = "330802", speciality: String = "装备制造/数控加工", leader: String = "leader",
                        skill: SkillLevel = .technician, order: Int? = nil, studio: StudioID? = nil) -> ApplicationContent {
        ApplicationContent(applicationID: ApplicationID(id), kind: kind, roundID: RoundID(round), year: 2026, screeningBodyCode: body,
                           applicantUnit: ApplicantUnit(name: "\(unit)公司", creditCode: code ?? "CODE-\(unit)", unitType: .enterprise),
                           studio: StudioProfile(name: "\(id)工作室", creationStartDate: LocalDate("2024-01-01")!),
                           leader: StudioLeader(name: leader, skillLevel: skill), teamSize: 5, projectTitles: ["课题 \(id)"],
                           studioID: studio, recommendationOrder: order, speciality: speciality)
    }

    func submit(_ content: ApplicationContent, on day: String = "2026-09-01") async throws {
        let result = try await service.receive(ApplicationSubmitted(application: content, submittedOn: LocalDate(day)!), from: "intake")
        guard case .applied = result else { throw NotApplied(result: "\(result)") }
    }

    struct NotApplied: Error { var result: String }

    static func expertJSON(_ id: String, unit: String = "浙江工业大学", code: String? = nil, body: String? = nil,
                           specialities: [String] = ["装备制造/数控加工"], maxLoad: Int = 10, relationships: String = "[]") -> String {
        """
        {"id":"\(id)","name":"专家\(id)","unitName":"\(unit)",\(code.map { "\"unitCreditCode\":\"\($0)\"," } ?? "")\(body.map { "\"screeningBodyCode\":\"\($0)\"," } ?? "")
         "specialities":\(String(decoding: try! JSONEncoder().encode(specialities), as: UTF8.self)),"title":"高级工程师","maxLoad":\(maxLoad),
         "relationships":\(relationships),"active":true}
        """
    }

    func statuses(of application: String) throws -> [ApplicationStatus] {
        try service.emitted(ApplicationStatusChanged.self).filter { $0.data.applicationID.rawValue == application }.map(\.data.status)
    }

    static let fullSheet = #"{"scores":{"facilities":8,"workRules":8,"projects":8,"team":8,"results":8},"comment":"良好"}"#

    static func sheet(_ points: Int) -> String {
        #"{"scores":{"facilities":\#(points),"workRules":\#(points),"projects":\#(points),"team":\#(points),"results":\#(points)}}"#
    }
}
