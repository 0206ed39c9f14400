import Foundation
import ServiceKit
import StudioDomain

/// Upper bounds on the lists of a form, checked on every save (drafts too), so a client cannot park
/// a 100,000-element list in the database: far above any real studio, far below the body limit.
extension ApplicationForm {
    static let maximumListLength = 200

    var sizeIssues: [DomainIssue] {
        let lists: [(field: String, nameZh: String, nameEn: String, count: Int?)] = [
            ("team.members", "团队成员", "team members", team?.members?.count),
            ("projects", "创新项目", "projects", projects?.count),
            ("results.patents", "专利", "patents", results?.patents?.count),
            ("results.awards", "获奖", "awards", results?.awards?.count),
            ("results.papers", "论文", "papers", results?.papers?.count),
        ]
        return lists.compactMap { list in
            guard let count = list.count, count > Self.maximumListLength else { return nil }
            return DomainIssue(code: "list_too_long", field: list.field,
                               messageZh: "\(list.nameZh)最多 \(Self.maximumListLength) 项，当前 \(count) 项。",
                               messageEn: "At most \(Self.maximumListLength) \(list.nameEn) may be given; there are \(count).")
        }
    }

    /// Throws the size issues as a validation problem (422), before anything is written.
    func checkSizes() throws {
        let issues = sizeIssues
        guard issues.isEmpty else { throw Problem.validation(issues) }
    }
}
