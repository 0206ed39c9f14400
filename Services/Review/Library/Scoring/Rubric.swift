import StudioDomain

/// A round's scoring rubric (评分细则) is StudioDomain's `Rubric` (the portal reads it in an expert's assignments);
/// its rules are review's.
extension Rubric {
    /// The default rubric: the conditions of Art 5 and the results of Art 2, each scored 0–10.
    /// Projects weigh most (Art 5(3) asks for running, funded projects every year), facilities and rules least.
    public static let standard = Rubric(criteria: [
        Criterion(key: "facilities", nameZh: "硬件设施", nameEn: "facilities", article: Article(5, item: 1), maxScore: 10, weight: 15,
                  guidanceZh: "有固定场所且功能明确，有必要的活动经费、办公设施和设备"),
        Criterion(key: "workRules", nameZh: "工作制度", nameEn: "work rules", article: Article(5, item: 2), maxScore: 10, weight: 15,
                  guidanceZh: "工作目标明确，制度健全，与本单位生产、研发紧密结合"),
        Criterion(key: "projects", nameZh: "项目实施", nameEn: "innovation projects", article: Article(5, item: 3), maxScore: 10, weight: 30,
                  guidanceZh: "每年至少承担一项本单位或外单位委托的创新项目，内容、期限、要求和验收标准明确，有经费保障和成果"),
        Criterion(key: "team", nameZh: "人员结构", nameEn: "team structure", article: Article(5, item: 4), maxScore: 10, weight: 20,
                  guidanceZh: "负责人有技术专长、具有高级工及以上职业技能等级；团队不少于3人，结构合理"),
        Criterion(key: "results", nameZh: "创新成果", nameEn: "innovation results", article: Article(2), maxScore: 10, weight: 20,
                  guidanceZh: "技术革新、发明专利、论文、获奖等成果显著，发挥示范带动作用"),
    ])

    /// The largest least common multiple of the criteria's scales a rubric may have. A sheet total's denominator
    /// divides it, a mean of n sheets' divides it times n, so the largest numerator a score ever reaches is about
    /// 10⁴ × this × n (hundredths): below `Int.max` for more than 10⁸ sheets per application.
    public static let largestCommonScale = 1_000_000

    /// Problems with a rubric a department proposes, field paths under `field`.
    public func issues(field: String = "rubric") -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if criteria.isEmpty || criteria.count > 20 {
            issues.append(DomainIssue(code: "rubric.size", field: field + ".criteria", messageZh: "评分细则须有 1 至 20 项", messageEn: "a rubric has 1 to 20 criteria"))
        }
        var seen = Set<String>()
        for (index, criterion) in criteria.enumerated() {
            let path = "\(field).criteria[\(index)]"
            if criterion.key.isEmpty || criterion.key.count > 40 || !seen.insert(criterion.key).inserted {
                issues.append(DomainIssue(code: "rubric.key", field: path + ".key", messageZh: "评分项标识须为 1 至 40 个字符且不重复", messageEn: "a criterion key is 1 to 40 characters and unique"))
            }
            if criterion.nameZh.isEmpty || criterion.nameEn.isEmpty {
                issues.append(DomainIssue(code: "rubric.name", field: path + ".nameZh", messageZh: "评分项须有中英文名称", messageEn: "a criterion needs a Chinese and an English name"))
            }
            if let guidance = criterion.guidanceZh, guidance.count > 500 {
                issues.append(DomainIssue(code: "rubric.guidance_too_long", field: path + ".guidanceZh", messageZh: "评分要点最多 500 字", messageEn: "guidanceZh is at most 500 characters"))
            }
            if !(1...100).contains(criterion.maxScore) {
                issues.append(DomainIssue(code: "rubric.max_score", field: path + ".maxScore", messageZh: "满分须在 1 至 100 之间", messageEn: "maxScore must be between 1 and 100"))
            }
            if !(1...100).contains(criterion.weight) {
                issues.append(DomainIssue(code: "rubric.weight", field: path + ".weight", messageZh: "权重须在 1 至 100 之间", messageEn: "weight must be between 1 and 100"))
            }
        }
        // Exact totals have the lcm of the scales as denominator: bound it (5, 10, 20 and 100 together make 100).
        var commonScale = 1
        for (index, criterion) in criteria.enumerated() where (1...100).contains(criterion.maxScore) {
            commonScale = commonScale / Rational.gcd(commonScale, criterion.maxScore) * criterion.maxScore
            if commonScale > Self.largestCommonScale {
                issues.append(DomainIssue(code: "rubric.scales_incommensurable", field: "\(field).criteria[\(index)].maxScore",
                                          messageZh: "各项满分的最小公倍数不得超过 \(Self.largestCommonScale)（到此项已为 \(commonScale)），请用 5、10、20、100 等可互相换算的分制",
                                          messageEn: "the least common multiple of the criteria's maxScore may be at most \(Self.largestCommonScale) (it is \(commonScale) by this criterion); use scales such as 5, 10, 20 and 100"))
                break
            }
        }
        let total = criteria.reduce(0) { $0 + $1.weight }
        if !criteria.isEmpty, total != 100 {
            issues.append(DomainIssue(code: "rubric.weights_total", field: field + ".criteria", messageZh: "各项权重之和须为 100，当前为 \(total)", messageEn: "the weights must add up to 100; they add up to \(total)"))
        }
        return issues
    }

    /// The weighted total out of 100 of complete `scores` (criterion key → points): Σ points × weight / max.
    public func total(_ scores: [String: Int]) -> Rational {
        criteria.reduce(Rational.zero) { sum, criterion in
            sum + Rational((scores[criterion.key] ?? 0) * criterion.weight, criterion.maxScore)
        }
    }

    /// Problems with the points an expert enters: unknown criteria, out of scale; `complete` also asks for every criterion.
    public func issues(scores: [String: Int], complete: Bool, field: String = "scores") -> [DomainIssue] {
        var issues: [DomainIssue] = []
        let keys = Set(criteria.map(\.key))
        for key in scores.keys.sorted() where !keys.contains(key) {
            issues.append(DomainIssue(code: "score.unknown_criterion", field: "\(field).\(key)", messageZh: "评分细则中没有此项：\(key)", messageEn: "the rubric has no criterion \(key)"))
        }
        for criterion in criteria {
            if let value = scores[criterion.key] {
                if !(0...criterion.maxScore).contains(value) {
                    issues.append(DomainIssue(code: "score.out_of_scale", field: "\(field).\(criterion.key)", article: criterion.article,
                                              messageZh: "\(criterion.nameZh)的得分须在 0 至 \(criterion.maxScore) 之间", messageEn: "the \(criterion.nameEn) score must be between 0 and \(criterion.maxScore)"))
                }
            } else if complete {
                issues.append(DomainIssue(code: "score.missing", field: "\(field).\(criterion.key)", article: criterion.article,
                                          messageZh: "提交前须为\(criterion.nameZh)打分", messageEn: "score \(criterion.nameEn) before submitting"))
            }
        }
        return issues
    }
}
