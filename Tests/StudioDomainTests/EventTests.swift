import Foundation
import XCTest
@testable import StudioDomain

final class EventTests: XCTestCase {
    private let occurredAt = RFC3339.date(from: "2026-11-24T08:30:00.123Z")!

    private func sampleApplication() -> ApplicationContent {
        ApplicationContent(
            applicationID: "0b6f4a52-8c1e-4d7a-9f3e-2a1b0c9d8e7f", kind: .naming, roundID: "round-2026-naming", year: 2026,
            screeningBodyCode: "330802",
            applicantUnit: ApplicantUnit(name: "衢州某某机械有限公司",
                                         creditCode: UnifiedSocialCreditCode.completing("91330802MA2DH8K1X")!,
                                         unitType: .enterprise),
            studio: StudioProfile(name: "张师傅数控技能创新工作室", creationStartDate: LocalDate("2025-09-01")!),
            leader: StudioLeader(name: "张三", skillLevel: .technician),
            teamSize: 8, projectTitles: ["五轴加工夹具改进", "刀具寿命监测"], recommendationOrder: 1,
            speciality: "装备制造/数控加工")
    }

    func testSubmittedEnvelopeRoundTripsThroughDomainJSON() throws {
        // Given an application.submitted event in an envelope
        let event = ApplicationSubmitted(application: sampleApplication(), submittedOn: LocalDate("2026-11-24")!)
        let envelope = Envelope(event, id: "msg_1", occurredAt: occurredAt, source: .intake, sequence: 1)

        // When it is encoded and decoded as the receiver does: header first, then the typed envelope
        let json = try DomainJSON.encoder().encode(envelope)
        let header = try DomainJSON.decoder().decode(EventHeader.self, from: json)
        let decoded = try DomainJSON.decoder().decode(Envelope<ApplicationSubmitted>.self, from: json)

        // Then the header routes it and the payload is intact
        XCTAssertEqual(header.type, "application.submitted")
        XCTAssertEqual(header.version, 1)
        XCTAssertEqual(header.source, "intake")
        XCTAssertEqual(header.aggregate, "application:0b6f4a52-8c1e-4d7a-9f3e-2a1b0c9d8e7f")
        XCTAssertEqual(decoded, envelope)
        XCTAssertEqual(decoded.data.application.leader.skillLevel, .technician)

        // And the JSON speaks the platform dialect: RFC 3339 instants, plain ids and dates, no ID numbers
        let text = String(decoding: json, as: UTF8.self)
        XCTAssertTrue(text.contains(#""occurredAt":"2026-11-24T08:30:00.123Z""#))
        XCTAssertTrue(text.contains(#""creationStartDate":"2025-09-01""#))
        XCTAssertTrue(text.contains(#""roundID":"round-2026-naming""#))
        XCTAssertFalse(text.lowercased().contains("idnumber"))
    }

    func testStatusChangedCarriesBilingualReasons() throws {
        // Given a failed qualification review with an Art 5(4) reason
        let reason = try XCTUnwrap(EligibilityRules.leaderSkillLevel(.intermediate))
        let event = ApplicationStatusChanged(applicationID: "a-1", kind: .naming, status: .qualificationFailed, reasons: [reason])
        let envelope = Envelope(event, id: "msg_2", occurredAt: occurredAt, source: .review, sequence: 3)

        // When it round-trips
        let json = try DomainJSON.encoder().encode(envelope)
        let decoded = try DomainJSON.decoder().decode(Envelope<ApplicationStatusChanged>.self, from: json)

        // Then status and reasons arrive, with the snake_case message keys
        XCTAssertEqual(decoded.data.status, .qualificationFailed)
        XCTAssertTrue(decoded.data.status.isFinal)
        XCTAssertEqual(decoded.data.reasons, [reason])
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains(#""message_zh""#))
    }

    func testStudioEventsRoundTripAndUseTheStudioAggregate() throws {
        let studio: StudioID = "s-42"
        let named = LocalDate("2024-02-29")!
        let events: [any DomainEvent] = [
            StudioNamed(studioID: studio, applicationID: "a-1", roundID: "r-1", year: 2024, studioName: "工作室",
                        unitName: "单位", unitCreditCode: "91330881704567891P", screeningBodyCode: "330881",
                        leaderName: "李四", namedOn: named),
            StudioRegistered(studioID: studio, applicationID: "a-1", studioName: "工作室", unitName: "单位",
                             screeningBodyCode: "330881", level: .city, namedOn: named, cycle: StudioCycle(start: named)),
            StudioCycleChanged(studioID: studio, cycle: StudioCycle(start: named).next),
            StudioChanged(studioID: studio, unitName: "新单位", effectiveOn: LocalDate("2025-05-01")!),
            StudioRevoked(studioID: studio, reason: .plagiarismOrFraud, decidedOn: LocalDate("2026-01-10")!, noticeID: "n-1"),
            StudioRenewed(studioID: studio, assessedOn: LocalDate("2027-02-20")!, cycle: StudioCycle(start: named).next),
            StudioExpired(studioID: studio, cycle: StudioCycle(start: named), expiredOn: LocalDate("2027-05-30")!, noticeID: "n-2"),
            StudioRenewed(studioID: studio, assessedOn: LocalDate("2027-06-20")!, cycle: StudioCycle(start: named).next, restoredStatus: .active),
            ProjectGrantAwarded(studioID: studio, applicationID: "a-2", roundID: "r-2", year: 2025),
            DemonstrationSelected(studioID: studio, applicationID: "a-3", roundID: "r-3", year: 2025),
            DemonstrationAccepted(studioID: studio, applicationID: "a-3", year: 2025, acceptedOn: LocalDate("2025-12-01")!),
            InspectionMisuseFound(studioID: studio, inspectionID: "i-1", amount: Money(yuan: 1_200), description: "招待费",
                                  foundOn: LocalDate("2026-06-01")!, rectificationDeadline: LocalDate("2026-07-01")!),
        ]
        for event in events {
            XCTAssertEqual(event.aggregate, "studio:s-42")
            try assertRoundTrip(event)
        }
    }

    func testCycleChangedCarriesNumberStartAndEnd() throws {
        let event = StudioCycleChanged(studioID: "s-1", cycle: StudioCycle(start: LocalDate("2024-02-29")!).next)
        let text = String(decoding: try DomainJSON.encoder().encode(event), as: UTF8.self)
        XCTAssertEqual(text, #"{"cycle":{"end":"2030-03-01","number":2,"start":"2027-03-01"},"studioID":"s-1"}"#)
    }

    func testRegistryListsEveryTypeOnce() {
        // Given the registry and the payload types
        let types = EventTypes.payloadTypes.map { $0.eventType }

        // Then every payload type is catalogued once, in order, at version 1
        XCTAssertEqual(EventTypes.all, types)
        XCTAssertEqual(Set(EventTypes.all).count, EventTypes.all.count)
        XCTAssertEqual(EventTypes.all.count, 24)
        XCTAssertTrue(EventTypes.catalog.allSatisfy { $0.version == 1 })
        for expected in ["round.opened", "application.submitted", "application.amended", "application.withdrawn",
                         "application.status_changed", "panel.changed", "score_sheet.submitted", "studio.named", "project_grant.awarded",
                         "demonstration.selected", "studio.registered", "studio.cycle_changed", "studio.changed",
                         "studio.revoked", "studio.renewed", "studio.expired", "demonstration.accepted", "inspection.misuse_found",
                         "webhook.test", "round.changed", "round.cancelled", "studio.assessment_overdue", "grant.cancelled"] {
            XCTAssertNotNil(EventTypes.info(for: expected), expected)
        }
        XCTAssertEqual(EventTypes.info(for: "studio.named")?.receivers, [.assessment, .funding])
        XCTAssertTrue(EventTypes.received(by: .assessment).contains("inspection.misuse_found"))
        XCTAssertFalse(EventTypes.received(by: .intake).contains("application.submitted"))
        XCTAssertEqual(EventTypes.info(for: "round.opened")?.senders, [.intake])
        XCTAssertEqual(EventTypes.info(for: "round.opened")?.receivers, [.review])
        XCTAssertEqual(EventTypes.info(for: "round.cancelled")?.receivers, [.review])
    }

    private func assertRoundTrip<E: DomainEvent>(_ event: E, file: StaticString = #filePath, line: UInt = #line) throws {
        let envelope = Envelope(event, occurredAt: occurredAt, source: .assessment, sequence: 7)
        let json = try DomainJSON.encoder().encode(envelope)
        let decoded = try DomainJSON.decoder().decode(Envelope<E>.self, from: json)
        XCTAssertEqual(decoded, envelope, file: file, line: line)
        XCTAssertEqual(decoded.type, E.eventType, file: file, line: line)
    }
}
