import Foundation
import StudioDomain

/// Completeness and eligibility of a form at submission (Art 5, 6, 7 for a naming application). Every failing
/// rule is reported at once, each with its field, its article and a message in Chinese and English.
enum FormCheck {
    /// The issues of `form` for a `kind` application in a round of `roundYear`, submitted on `submittedOn`.
    /// `today` is the day the check runs (an ID number's birth date must not be after it).
    static func issues(_ form: ApplicationForm, kind: ApplicationKind, roundYear: Int, submittedOn: LocalDate, today: LocalDate) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        func require(_ value: String?, _ field: String, _ zh: String, _ en: String, article: Article? = nil) {
            guard value.present == nil else { return }
            var issue = DomainIssue.required(field, nameZh: zh, nameEn: en)
            issue.article = article?.reference
            issues.append(issue)
        }

        // 申报单位 (Art 6)
        let unit = form.applicantUnit ?? UnitForm()
        require(unit.name, "applicantUnit.name", "申报单位名称", "The applicant unit's name")
        if let code = unit.creditCode.present {
            if let failure = UnifiedSocialCreditCode.validate(UnifiedSocialCreditCode.normalise(code)) {
                issues.append(failure.issue(field: "applicantUnit.creditCode"))
            }
        } else {
            require(nil, "applicantUnit.creditCode", "统一社会信用代码", "The unified social credit code")
        }
        let unitType = unit.unitType.present.flatMap(UnitType.parse)
        if unit.unitType.present == nil {
            require(nil, "applicantUnit.unitType", "单位类型", "The unit type", article: Article(6))
        } else if unitType == nil {
            issues.append(DomainIssue(code: "unit_type_unknown", field: "applicantUnit.unitType", article: Article(6),
                                      messageZh: "无法识别的单位类型“\(unit.unitType ?? "")”，应为企业、事业单位、党政机关、社会组织或其他。",
                                      messageEn: "Unknown unit type “\(unit.unitType ?? "")”: use enterprise, publicInstitution, partyGovernmentOrgan, socialOrganisation or other."))
        }
        if unit.hasTradeUnion == nil {
            require(nil, "applicantUnit.hasTradeUnion", "是否建有工会组织", "Whether the unit has a trade union", article: Article(6))
        }
        if kind == .naming, let unitType {
            issues += EligibilityRules.applicantUnit(type: unitType, hasTradeUnion: unit.hasTradeUnion ?? true)
        } else if kind == .naming, unit.hasTradeUnion == false {
            issues += EligibilityRules.applicantUnit(type: .enterprise, hasTradeUnion: false)
        }
        if unit.hasTradeUnion == true {
            require(unit.tradeUnionName, "applicantUnit.tradeUnionName", "工会组织名称", "The trade union's name", article: Article(6))
        }

        // 工作室 (Art 5(1), 7)
        let studio = form.studio ?? StudioForm()
        require(studio.name, "studio.name", "工作室名称", "The studio's name")
        if let started = studio.creationStartDate {
            if kind == .naming, let issue = EligibilityRules.creationPeriod(startedOn: started, submittedOn: submittedOn) {
                issues.append(issue)
            }
        } else {
            require(nil, "studio.creationStartDate", "开展创建工作起始日期", "The day creation work started", article: Article(7))
        }
        if kind == .naming {
            let hasSite = studio.hasFixedSite == true && studio.siteAddress.present != nil && (studio.siteArea ?? 0) > 0
            if !hasSite {
                issues.append(DomainIssue(code: "no_fixed_site", field: "studio.hasFixedSite", article: Article(5, item: 1),
                                          messageZh: "工作室须具有功能明确的固定场地（须填写场地地址和面积）。",
                                          messageEn: "The studio needs a fixed site with a clear function (give its address and area)."))
            }
            if (studio.funds?.fen ?? 0) <= 0 {
                issues.append(DomainIssue(code: "no_funds", field: "studio.funds", article: Article(5, item: 1),
                                          messageZh: "工作室须有必要经费（请填写年度经费金额）。",
                                          messageEn: "The studio needs the necessary funds (give the yearly amount)."))
            }
            require(studio.officeFacilities, "studio.officeFacilities", "办公设施", "The office facilities", article: Article(5, item: 1))
            require(studio.equipment, "studio.equipment", "硬件设备", "The equipment", article: Article(5, item: 1))
            require(form.workRules, "workRules", "工作制度", "The work rules", article: Article(5, item: 2))
        }

        // 负责人 (Art 5(4))
        let leader = form.leader ?? LeaderForm()
        require(leader.name, "leader.name", "负责人姓名", "The leader's name")
        if let number = leader.idNumber.present {
            if let failure = ResidentIDNumber.validate(ResidentIDNumber.normalise(number), asOf: today) {
                issues.append(failure.issue(field: "leader.idNumber"))
            }
        } else {
            require(nil, "leader.idNumber", "负责人居民身份证号码", "The leader's resident ID number")
        }
        require(leader.speciality, "leader.speciality", "负责人技术专长", "The leader's technical speciality", article: Article(5, item: 4))
        if let text = leader.skillLevel.present {
            if let level = SkillLevel.parse(text) {
                if kind == .naming, let issue = EligibilityRules.leaderSkillLevel(level) { issues.append(issue) }
            } else {
                issues.append(DomainIssue(code: "skill_level_unknown", field: "leader.skillLevel", article: Article(5, item: 4),
                                          messageZh: "无法识别的职业技能等级“\(text)”，如：三级/高级工、二级/技师、一级/高级技师。",
                                          messageEn: "Unknown vocational skill level “\(text)”: for example senior, technician, seniorTechnician or 三级/高级工."))
            }
        } else if let issue = EligibilityRules.leaderSkillLevel(nil) {
            issues.append(issue)
        }
        require(leader.certificateNumber, "leader.certificateNumber", "职业技能等级证书编号", "The skill certificate number", article: Article(5, item: 4))
        require(leader.phone, "leader.phone", "负责人联系电话", "The leader's phone number")

        // 团队 (Art 5(4)): the leader and the members
        let members = form.team?.members ?? []
        if let issue = EligibilityRules.teamSize(1 + members.count, field: "team.members") { issues.append(issue) }
        for (index, member) in members.enumerated() {
            require(member.name, "team.members[\(index)].name", "团队成员姓名", "The team member's name")
        }

        // 创新项目 (Art 5(3))
        let projects = form.projects ?? []
        for (index, project) in projects.enumerated() {
            let field = "projects[\(index)]"
            require(project.title, "\(field).title", "项目名称", "The project title", article: Article(5, item: 3))
            require(project.commissioningUnit, "\(field).commissioningUnit", "委托单位", "The commissioning unit", article: Article(5, item: 3))
            require(project.content, "\(field).content", "项目内容", "The project content", article: Article(5, item: 3))
            require(project.requirements, "\(field).requirements", "项目要求", "The project requirements", article: Article(5, item: 3))
            require(project.acceptanceStandard, "\(field).acceptanceStandard", "考核标准", "The acceptance standard", article: Article(5, item: 3))
            if project.startDate == nil || project.endDate == nil {
                require(nil, "\(field).endDate", "项目时限（起止日期）", "The project's time limit (start and end dates)", article: Article(5, item: 3))
            } else if let start = project.startDate, let end = project.endDate, end < start {
                issues.append(DomainIssue(code: "project_dates", field: "\(field).endDate", article: Article(5, item: 3),
                                          messageZh: "项目结束日期早于开始日期。", messageEn: "The project ends before it starts."))
            }
            if (project.funding?.fen ?? 0) <= 0 {
                issues.append(DomainIssue(code: "project_unfunded", field: "\(field).funding", article: Article(5, item: 3),
                                          messageZh: "创新项目须有经费保障（请填写项目经费）。",
                                          messageEn: "An innovation project needs secured funding (give its amount)."))
            }
        }
        if !projects.contains(where: { isCommissioned($0, in: roundYear) }) {
            issues.append(DomainIssue(code: "no_commissioned_project", field: "projects", article: kind == .projectGrant ? Article(13) : Article(5, item: 3),
                                      messageZh: "须有\(roundYear)年度实施的本单位或外单位委托的创新项目（写明委托单位和起止日期）。",
                                      messageEn: "At least one innovation project commissioned by the own or an outside unit must run in \(roundYear) (give the commissioning unit and its dates)."))
        }

        // 初审 (Art 10)
        require(form.screening?.opinion, "screening.opinion", "初审意见", "The screening body's pre-screen opinion", article: Article(10))
        if let order = form.screening?.recommendationOrder, order < 1 {
            issues.append(DomainIssue(code: "recommendation_order", field: "screening.recommendationOrder", article: Article(10),
                                      messageZh: "推荐顺序须为从1开始的正整数。", messageEn: "The recommendation order is a positive integer starting at 1."))
        }
        if kind.requiresStudio, form.studioId == nil {
            issues.append(DomainIssue(code: "studio_required", field: "studioId", article: kind.article,
                                      messageZh: "\(kind.nameZh)须指明已命名的工作室。", messageEn: "A \(kind.nameEn) must name the existing studio."))
        }
        return issues
    }

    /// A project of the round's year: commissioned by a named unit and running at some point of that year.
    static func isCommissioned(_ project: ProjectForm, in year: Int) -> Bool {
        guard project.commissioningUnit.present != nil, project.title.present != nil,
              let start = project.startDate, let end = project.endDate else { return false }
        return start.year <= year && year <= end.year
    }

    /// The content review receives, built from a form that passed `issues` (so the unwraps hold).
    static func content(_ form: ApplicationForm, id: ApplicationID, round: IntakeRound, screeningBody: String,
                        attachments: [AttachmentView] = []) -> ApplicationContent {
        let unit = form.applicantUnit ?? UnitForm()
        let leader = form.leader ?? LeaderForm()
        return ApplicationContent(
            applicationID: id, kind: round.kind, roundID: round.id, year: round.year, screeningBodyCode: screeningBody,
            applicantUnit: ApplicantUnit(name: unit.name.present ?? "", creditCode: UnifiedSocialCreditCode.normalise(unit.creditCode ?? ""),
                                         unitType: unit.unitType.present.flatMap(UnitType.parse) ?? .other,
                                         hasTradeUnion: unit.hasTradeUnion ?? false),
            studio: StudioProfile(name: form.studio?.name.present ?? "",
                                  creationStartDate: form.studio?.creationStartDate ?? LocalDate(year: round.year, month: 1, day: 1)!),
            leader: StudioLeader(name: leader.name.present ?? "", skillLevel: leader.skillLevel.present.flatMap(SkillLevel.parse) ?? .elementary),
            teamSize: 1 + (form.team?.members?.count ?? 0),
            teamMemberNames: (form.team?.members ?? []).compactMap { $0.name.present },
            projectTitles: (form.projects ?? []).compactMap { $0.title.present },
            studioID: round.kind.requiresStudio ? form.studioId : nil,
            recommendationOrder: form.screening?.recommendationOrder,
            speciality: form.industryField.present ?? leader.speciality.present ?? "",
            details: details(form, attachments: attachments))
    }

    /// The scoring material, without personal data (no ID number, phone, address or member names).
    static func details(_ form: ApplicationForm, attachments: [AttachmentView]) -> ApplicationDetails {
        ApplicationDetails(
            siteArea: form.studio?.siteArea, funds: form.studio?.funds, officeFacilities: form.studio?.officeFacilities.present,
            equipment: form.studio?.equipment.present, workRules: form.workRules.present,
            projects: (form.projects ?? []).compactMap { project in
                project.title.present.map {
                    InnovationProject(title: $0, commissioningUnit: project.commissioningUnit.present, content: project.content.present,
                                      startDate: project.startDate, endDate: project.endDate, requirements: project.requirements.present,
                                      acceptanceStandard: project.acceptanceStandard.present, funding: project.funding)
                }
            },
            leaderSpeciality: form.leader?.speciality.present, patents: form.results?.patents ?? [], awards: form.results?.awards ?? [],
            papers: form.results?.papers ?? [], screeningOpinion: form.screening?.opinion.present,
            attachments: attachments.map { AttachmentReference(sha256: $0.sha256, fileName: $0.fileName, mediaType: $0.mediaType, size: $0.size) })
    }
}

extension Optional where Wrapped == String {
    /// The trimmed text, nil when missing or blank.
    var present: String? {
        guard let text = self?.trimmedOfWhitespace, !text.isEmpty else { return nil }
        return text
    }
}
