import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Attachments: PDF, PNG or JPEG by their first bytes, stored once by SHA-256, names without path tricks.
final class AttachmentTests: XCTestCase {
    func testAttachmentIsServedWithTheCheckedTypeNeverTheClaimedOneAsAnAttachment() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            // Given a PNG uploaded as text/html under a .html name
            let uploaded = try await fixture.uploaded(client, token: fixture.kecheng, application: app.id, name: "page.html", contentType: "text/html", png)
            XCTAssertEqual(uploaded.mediaType, "image/png")
            // Then it is served as the PNG it is, to be saved, not rendered or sniffed
            try await client.execute(uri: "/applications/\(app.id)/attachments/\(uploaded.sha256)", method: .get, headers: TestRequest.headers(fixture.department)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "image/png")
                XCTAssertEqual(response.headers[.contentDisposition], "attachment; filename*=UTF-8''page%2Ehtml")
                XCTAssertEqual(response.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")
                XCTAssertEqual(Array(response.body.readableBytesView), png)
            }
        }
    }

    func testAttachmentsAreCheckedByContentStoredByHashAndServedBack() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let pdf = Array("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            let auth = TestRequest.headers(fixture.kecheng, contentType: "application/octet-stream")
            let uploaded = try await fixture.uploaded(client, token: fixture.kecheng, application: app.id, name: "%E5%9C%BA%E5%9C%B0.pdf",
                                                      contentType: "application/octet-stream", pdf)
            XCTAssertEqual(uploaded.sha256, ContentHash.sha256Hex(pdf))
            XCTAssertEqual(uploaded.mediaType, "application/pdf")
            XCTAssertEqual(uploaded.fileName, "场地.pdf")
            // The same content under another name is stored once
            try await client.execute(uri: "/applications/\(app.id)/attachments?name=copy.pdf", method: .post, headers: auth, body: ByteBuffer(bytes: pdf)) {
                XCTAssertEqual($0.status, .created)
            }
            try await client.execute(uri: "/applications/\(app.id)/attachments?name=photo.png", method: .post, headers: auth, body: ByteBuffer(bytes: png)) { response in
                XCTAssertEqual(try response.decode(AttachmentView.self).mediaType, "image/png")
            }
            let blobs = try await fixture.service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_blob") }
            XCTAssertEqual(blobs, 2)
            // A text file named .pdf is refused by its content; a path in the name is refused
            try await client.execute(uri: "/applications/\(app.id)/attachments?name=fake.pdf", method: .post, headers: auth, body: ByteBuffer(string: "hello")) { response in
                XCTAssertEqual(response.status, .unsupportedMediaType)
                XCTAssertEqual(try response.problem.codes, ["attachment.type"])
            }
            for name in ["..%2F..%2Fetc%2Fpasswd", "a%2Fb.pdf", "..", "x%5C..%5Cy.pdf", ".hidden.pdf"] {
                try await client.execute(uri: "/applications/\(app.id)/attachments?name=\(name)", method: .post, headers: auth, body: ByteBuffer(bytes: pdf)) { response in
                    XCTAssertEqual(response.status, .unprocessableContent, name)
                    XCTAssertEqual(try response.problem.codes, ["attachment_name"], name)
                }
            }
            try await client.execute(uri: "/applications/\(app.id)/attachments/\(uploaded.sha256)", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "application/pdf")
                XCTAssertEqual(Array(response.body.readableBytesView), pdf)
            }
            try await client.execute(uri: "/applications/\(app.id)/attachments/\(uploaded.sha256)", method: .get, headers: TestRequest.headers(fixture.qujiang)) {
                XCTAssertEqual($0.status, .notFound)
            }
            try await client.execute(uri: "/applications/\(app.id)", method: .get, headers: TestRequest.headers(fixture.department)) { response in
                XCTAssertEqual(try response.decode(ApplicationView.self).attachments.count, 3)
            }
            // An amendment carries the attachments to review by hash
            try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: TestRequest.headers(fixture.kecheng),
                                     body: TestRequest.json(IntakeFixture.validForm())) { XCTAssertEqual($0.status, .ok) }
            let sent = try XCTUnwrap(try fixture.service.emitted(ApplicationAmended.self).last?.data.application.details?.attachments)
            XCTAssertEqual(Set(sent.map(\.fileName)), ["场地.pdf", "copy.pdf", "photo.png"])
            XCTAssertTrue(sent.contains { $0.sha256 == uploaded.sha256 && $0.mediaType == "application/pdf" })
        }
    }
}

/// 专家组 (Art 11): an expert reads the files of an application on their panel as review last said it
/// (`panel.changed`), and no other: not before review speaks, not after they leave the panel, not another one's.
final class ExpertAttachmentAccessTests: XCTestCase {
    func testAnExpertDownloadsOnlyTheAttachmentsOfApplicationsOnTheirPanel() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let wang = try fixture.service.token(.expert, subject: "e-wang")
        let li = try fixture.service.token(.expert, subject: "e-li")
        let pdf = Array("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8)
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            let other = try await fixture.submitted(client, token: fixture.qujiang, round: round,
                                                    form: IntakeFixture.validForm(studio: "衢江区电工技能创新工作室", creditCode: IntakeFixture.otherCreditCode))
            let sha = try await fixture.uploaded(client, token: fixture.kecheng, application: app.id, name: "plan.pdf", contentType: "application/pdf", pdf).sha256
            func status(_ token: String, _ uri: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: uri, method: .get, headers: TestRequest.headers(token)) { $0.status }
            }
            let file = "/applications/\(app.id)/attachments/\(sha)", list = "/applications/\(app.id)/attachments"
            // Before review names a panel, no expert sees the files: 404, as for something that does not exist
            do { let answer = try await status(wang, file); XCTAssertEqual(answer, .notFound, "wang, file") }
            do { let answer = try await status(wang, list); XCTAssertEqual(answer, .notFound, "wang, list") }
            // When review puts 王 on the panel, 王 lists and downloads them, 李 still gets 404
            try await fixture.service.receive(ExpertPanelChanged(applicationID: app.id, roundID: round, expertIDs: ["e-wang"]), from: "review")
            do { let answer = try await status(wang, list); XCTAssertEqual(answer, .ok, "wang, list") }
            try await client.execute(uri: file, method: .get, headers: TestRequest.headers(wang)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(Array(response.body.readableBytesView), pdf)
                XCTAssertEqual(response.headers[.contentDisposition], "attachment; filename*=UTF-8''plan%2Epdf")
            }
            do { let answer = try await status(li, file); XCTAssertEqual(answer, .notFound, "li, file") }
            // Another application's files stay closed to 王, and the application itself is never an expert's to read here
            do { let answer = try await status(wang, "/applications/\(other.id)/attachments"); XCTAssertEqual(answer, .notFound) }
            do { let answer = try await status(wang, "/applications/\(app.id)"); XCTAssertEqual(answer, .forbidden) }
            // A recusal (review sends the panel without 王) closes the door at once
            try await fixture.service.receive(ExpertPanelChanged(applicationID: app.id, roundID: round, expertIDs: ["e-li"]), from: "review")
            do { let answer = try await status(wang, file); XCTAssertEqual(answer, .notFound, "wang, file") }
            do { let answer = try await status(li, file); XCTAssertEqual(answer, .ok, "li, file") }
        }
    }
}
