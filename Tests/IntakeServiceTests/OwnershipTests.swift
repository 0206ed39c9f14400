import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// A screening body sees and touches only its own applications; the department sees all and changes none.
final class OwnershipTests: XCTestCase {
    func testABodyCannotSeeOrTouchAnotherBodysApplication() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            let other = TestRequest.headers(fixture.qujiang)
            // 衢江 gets 404 for 柯城's application, whatever it tries: existence does not leak
            try await client.execute(uri: "/applications/\(app.id)", method: .get, headers: other) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertEqual(try response.problem.codes, ["not_found"])
            }
            try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: other, body: TestRequest.json(IntakeFixture.validForm())) {
                XCTAssertEqual($0.status, .notFound)
            }
            try await client.execute(uri: "/applications/\(app.id)/withdraw", method: .post, headers: other) { XCTAssertEqual($0.status, .notFound) }
            try await client.execute(uri: "/applications/\(app.id)/versions", method: .get, headers: other) { XCTAssertEqual($0.status, .notFound) }
            try await client.execute(uri: "/applications/\(app.id)/attachments?name=a.pdf", method: .post, headers: other,
                                     body: ByteBuffer(string: "%PDF-1.4 x")) { XCTAssertEqual($0.status, .notFound) }
            try await client.execute(uri: "/applications/\(ApplicationID.new())", method: .get, headers: other) { XCTAssertEqual($0.status, .notFound) }
            try await client.execute(uri: "/applications", method: .get, headers: other) { response in
                XCTAssertTrue(try response.decode(Listing<ApplicationSummaryView>.self).items.isEmpty)
            }
            // The department reads everything but may not act for a body (403)
            try await client.execute(uri: "/applications", method: .get, headers: TestRequest.headers(fixture.department)) { response in
                XCTAssertEqual(try response.decode(Listing<ApplicationSummaryView>.self).items.map(\.id), [app.id])
            }
            try await client.execute(uri: "/applications/\(app.id)/withdraw", method: .post, headers: TestRequest.headers(fixture.department)) { response in
                XCTAssertEqual(response.status, .forbidden)
            }
            try await fixture.create(client, token: fixture.department, round: round, form: IntakeFixture.validForm(studio: "x")) { XCTAssertEqual($0.status, .forbidden) }
            // The owner still sees it unchanged
            try await client.execute(uri: "/applications/\(app.id)", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(try response.decode(ApplicationView.self).status, "submitted")
            }
        }
    }

    func testATokenOfAnUnknownScreeningBodyIsRefused() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let stranger = try fixture.service.token(.screeningBody, subject: "999999")
        let expert = try fixture.service.token(.expert, subject: "e1")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await fixture.create(client, token: stranger, round: round, form: IntakeFixture.validForm()) { response in
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertEqual(try response.problem.codes, ["screening_body.unknown"])
            }
            try await client.execute(uri: "/applications", method: .get, headers: TestRequest.headers(expert)) { XCTAssertEqual($0.status, .forbidden) }
            try await client.execute(uri: "/applications", method: .get) { XCTAssertEqual($0.status, .unauthorized) }
        }
    }

    func testABodyThatNoLongerTakesApplicationsReadsButCannotPush() async throws {
        // Given reference data in which 柯城区总工会 was merged away
        var kecheng = try XCTUnwrap(ReferenceData.defaults.screeningBody(code: "330802"))
        kecheng.active = false
        let module = IntakeModule(referenceData: ReferenceData.defaults.merging(ReferenceData(screeningBodies: [kecheng])))
        let service = try TestService(module, clock: TestClock(LocalDate("2026-09-01")!.startInstant()))
        let token = try service.token(.screeningBody, subject: "330802")
        let department = try service.token(.department)
        try await service.built.application.test(.router) { client in
            let round = try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(department),
                                                 body: TestRequest.json(IntakeFixture.OpenRoundBody(kind: .naming, year: 2026, opensOn: "2026-08-01", deadline: "2026-10-31", quotaPerBody: nil))) {
                try $0.decode(IntakeRound.self).id
            }
            try await client.execute(uri: "/applications", method: .post, headers: TestRequest.headers(token),
                                     body: TestRequest.json(IntakeFixture.Create(roundId: round, submit: true, form: IntakeFixture.validForm()))) { response in
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertEqual(try response.problem.codes, ["screening_body.inactive"])
            }
            try await client.execute(uri: "/applications", method: .get, headers: TestRequest.headers(token)) { XCTAssertEqual($0.status, .ok) }
        }
    }
}
