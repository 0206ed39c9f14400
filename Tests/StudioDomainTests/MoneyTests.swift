import Foundation
import XCTest
@testable import StudioDomain

final class MoneyTests: XCTestCase {
    func testParsesYuanExactly() throws {
        XCTAssertEqual(try Money.parse(yuan: "12.34").fen, 1234)
        XCTAssertEqual(try Money.parse(yuan: "12.3").fen, 1230)
        XCTAssertEqual(try Money.parse(yuan: "12").fen, 1200)
        XCTAssertEqual(try Money.parse(yuan: "0.01").fen, 1)
        XCTAssertEqual(try Money.parse(yuan: " 10000.00 ").fen, 1_000_000)
        // 0.1 + 0.2 style values that floating point would get wrong
        XCTAssertEqual(try Money.parse(yuan: "0.29").fen, 29)
        XCTAssertEqual(try Money.parse(yuan: "1.15").fen, 115)
        XCTAssertEqual(try Money.parse(yuan: "92233720368547758.07").fen, Int64.max)
        XCTAssertEqual(try Money.parse(yuan: "-1.50", allowingNegative: true).fen, -150)
    }

    func testRefusesBadAmountsWithAReason() {
        func failure(_ text: String) -> MoneyParseError? {
            do { _ = try Money.parse(yuan: text); return nil } catch { return error }
        }
        XCTAssertEqual(failure("1.234"), .tooManyDecimals)
        XCTAssertEqual(failure("-1"), .negative)
        XCTAssertEqual(failure("abc"), .notANumber)
        XCTAssertEqual(failure(""), .empty)
        XCTAssertEqual(failure("1,000"), .notANumber)
        XCTAssertEqual(failure("1e3"), .notANumber)
        XCTAssertEqual(failure(".5"), .notANumber)
        XCTAssertEqual(failure("5."), .notANumber)
        XCTAssertEqual(failure("¥5"), .notANumber)
        XCTAssertEqual(failure("１２"), .notANumber)
        XCTAssertEqual(failure("92233720368547758.08"), .outOfRange)
        XCTAssertEqual(MoneyParseError.tooManyDecimals.issue(field: "amount").code, "amount_too_many_decimals")
    }

    func testFormatsYuanWithTwoDecimals() {
        XCTAssertEqual(Money(yuan: 10_000).yuanString, "10000.00")
        XCTAssertEqual(Money(fen: 5).yuanString, "0.05")
        XCTAssertEqual(Money(fen: 1230).yuanString, "12.30")
        XCTAssertEqual(Money(fen: -5).yuanString, "-0.05")
        XCTAssertEqual(Money(fen: Int64.min).yuanString, "-92233720368547758.08")
    }

    func testArithmeticAndOrder() {
        var total = Money(yuan: 10_000)
        total += Money(fen: 50)
        XCTAssertEqual(total - Money(yuan: 1), Money(fen: 999_950))
        XCTAssertEqual(Money(yuan: 20_000) * 3, Money(yuan: 60_000))
        XCTAssertLessThan(Money(fen: 99), Money(yuan: 1))
        XCTAssertEqual([Money(yuan: 2), Money(yuan: 1)].max(), Money(yuan: 2))
    }

    func testCodableAsIntegerFen() throws {
        struct Holder: Codable, Equatable { var amount: Money }
        let json = try DomainJSON.encoder().encode(Holder(amount: Money(yuan: 10_000)))
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"{"amount":1000000}"#)
        XCTAssertEqual(try DomainJSON.decoder().decode(Holder.self, from: json).amount, Money(yuan: 10_000))
    }

    func testGrantAmountsOfTheRegulation() {
        XCTAssertEqual(GrantKind.naming.defaultAmount.yuanString, "10000.00")
        XCTAssertEqual(GrantKind.projectGrant.defaultAmount, Money(yuan: 20_000))
        XCTAssertEqual(GrantKind.demonstration.defaultAmount, Money(fen: 5_000_000))
        XCTAssertEqual(GrantKind.naming.article.reference, "第十二条 / Art. 12")
        XCTAssertEqual(ApplicationKind.projectGrant.grantKind, .projectGrant)
    }

    func testExpenseCategoriesAndPurposesParseFromChinese() {
        XCTAssertEqual(ExpenseCategory.named.count, 5)
        XCTAssertNil(ExpenseCategory.parse("other"), "other is never parsed from free text: it needs a justification")
        XCTAssertEqual(ExpenseCategory.parse("分析测试"), .analysisTesting)
        XCTAssertEqual(ExpenseCategory.parse("人员劳务"), .personnelLabour)
        XCTAssertEqual(ExpenseCategory.parse("会议及调研"), .meetingsResearch)
        XCTAssertEqual(ExpenseCategory.parse("资料印刷"), .printing)
        XCTAssertEqual(ExpenseCategory.parse("知识产权事务"), .intellectualProperty)
        XCTAssertEqual(ExpenseCategory.parse("printing"), .printing)
        XCTAssertNil(ExpenseCategory.parse("招待费"))
        XCTAssertEqual(ExpensePurpose.parse("高技能人才培养"), .talentTraining)
        XCTAssertEqual(ExpensePurpose.parse("技术创新研究"), .technicalInnovation)
        XCTAssertEqual(ExpensePurpose.parse("工作室日常运营"), .dailyOperation)
        XCTAssertNil(ExpensePurpose.parse("旅游"))
    }
}
