import TestSupport
import Messaging
import XCTest

/// The retry schedule of MESSAGING.md §3.
final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy.standard

    func testStandardScheduleIsEightAttemptsOverAboutTwentySevenHours() {
        XCTAssertEqual(policy.maxAttempts, 8)
        XCTAssertEqual(policy.delays, [.zero, .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000), .seconds(36000)])
        XCTAssertEqual(policy.span, .seconds(5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000))  // 27 h 35 min 5 s
    }

    func testJitterStaysWithinTwentyPercent() {
        for failed in 1..<policy.maxAttempts {
            let base = Double(policy.delays[failed].milliseconds)
            XCTAssertEqual(Double(policy.delay(afterFailedAttempts: failed, random: -1)!.milliseconds), base * 0.8, accuracy: 1)
            XCTAssertEqual(Double(policy.delay(afterFailedAttempts: failed, random: 1)!.milliseconds), base * 1.2, accuracy: 1)
            for _ in 0..<200 {
                let delay = Double(policy.delay(afterFailedAttempts: failed)!.milliseconds)
                XCTAssertGreaterThanOrEqual(delay, base * 0.8 - 1)
                XCTAssertLessThanOrEqual(delay, base * 1.2 + 1)
            }
        }
    }

    func testAfterTheLastAttemptTheDeliveryIsDeadLettered() {
        XCTAssertNotNil(policy.delay(afterFailedAttempts: 7, random: 0))
        XCTAssertNil(policy.delay(afterFailedAttempts: 8, random: 0))
    }

    func testRetryAfterIsHonouredWithinLimits() {
        // A longer Retry-After than the schedule wins; a shorter one does not shorten the schedule.
        XCTAssertEqual(policy.delay(afterFailedAttempts: 1, retryAfter: .seconds(60), random: 0), .seconds(60))
        XCTAssertEqual(policy.delay(afterFailedAttempts: 2, retryAfter: .seconds(60), random: 0), .seconds(300))
        // An absurd one is capped at maxRetryAfter (1 h).
        XCTAssertEqual(policy.delay(afterFailedAttempts: 1, retryAfter: .seconds(7 * 86400), random: 0), .seconds(3600))
    }

    func testThrottleDoublesAndIsCapped() {
        XCTAssertEqual(policy.throttle(level: 0, retryAfter: nil), .seconds(1))
        XCTAssertEqual(policy.throttle(level: 3, retryAfter: nil), .seconds(8))
        XCTAssertEqual(policy.throttle(level: 30, retryAfter: nil), .seconds(300))
        XCTAssertEqual(policy.throttle(level: 0, retryAfter: .seconds(120)), .seconds(120))
    }

    func testParsesSchedulesAndRetryAfter() {
        XCTAssertEqual(RetryPolicy(schedule: "0,5s,5m,30m,2h,5h,10h,10h")?.delays, policy.delays)
        XCTAssertEqual(RetryPolicy(schedule: "0, 100ms, 0.5")?.delays, [.zero, .milliseconds(100), .milliseconds(500)])
        XCTAssertNil(RetryPolicy(schedule: "soon"))
        XCTAssertNil(RetryPolicy(schedule: "-5s"))
        XCTAssertEqual(RetryPolicy.parseRetryAfter("120"), .seconds(120))
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Mon, 21 Sep 2026 18:40:30 GMT", now: Date(timeIntervalSince1970: 1_790_016_000)), .seconds(30))
        XCTAssertNil(RetryPolicy.parseRetryAfter("later", now: now))
        XCTAssertNil(RetryPolicy.parseRetryAfter(nil))
    }
}
