import Foundation

/// Text the department writes for a public page (a 通报's finding): it must not carry a person's ID number
/// or phone number, which the department's internal reasons may well hold (an informant's contact, the
/// leader's number copied from a file).
///
/// The check is deliberately wide: an 18-character ID number whose check character is wrong, or an old
/// 15-digit one, is as personal as a valid one, and a number written with spaces or hyphens, or in
/// full-width digits, is still that number. A unified social credit code (a unit's, not a person's) has
/// letters in it and does not match.
public enum PublicText {
    public static let maximumLength = 500

    /// The issues of `text` as a public text in `field`: too long, an ID number, a phone number.
    public static func issues(_ text: String, field: String) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if text.unicodeScalars.count > maximumLength {
            issues.append(DomainIssue(code: "public_text.too_long", field: field,
                                      messageZh: "公开文字不能超过 \(maximumLength) 个字符。", messageEn: "a public text is at most \(maximumLength) characters."))
        }
        let plain = normalised(text)
        if matches(idNumber, plain) {
            issues.append(DomainIssue(code: "public_text.id_number", field: field,
                                      messageZh: "公开文字不能含有身份证号码，请删除后再提交（内部理由另填，不公开）。",
                                      messageEn: "a public text must not contain an ID number; remove it (internal reasons go in their own field, never published)."))
        }
        if matches(mobile, plain) || matches(landline, plain) {
            issues.append(DomainIssue(code: "public_text.phone_number", field: field,
                                      messageZh: "公开文字不能含有电话号码，请删除后再提交（内部理由另填，不公开）。",
                                      messageEn: "a public text must not contain a phone number; remove it (internal reasons go in their own field, never published)."))
        }
        return issues
    }

    /// Full-width digits and letters as ASCII (NFKC), and the separators people put inside numbers removed.
    static func normalised(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping
            .replacingOccurrences(of: #"(?<=[0-9])[ \-.·—–]+(?=[0-9Xx])"#, with: "", options: .regularExpression)
    }

    /// 18 characters (17 digits and a digit or X) or 15 digits, not inside a longer run of digits.
    static let idNumber = #"(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])"#
    /// A mainland mobile number, optionally after +86 / 86.
    static let mobile = #"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])"#
    /// A landline with its area code (0570 1234567, (0570)1234567).
    static let landline = #"(?<![0-9])\(?0[1-9][0-9]{1,2}\)?[0-9]{7,8}(?![0-9])"#

    static func matches(_ pattern: String, _ text: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }
}
