import Foundation

/// One event type of the platform: who sends it, who receives it, and what it means.
public struct EventTypeInfo: Codable, Hashable, Sendable {
    public var type: String
    public var version: Int
    public var senders: [PlatformService]
    public var receivers: [PlatformService]
    public var summaryZh: String
    public var summaryEn: String
}

/// The registry of every event type, for the OpenAPI document, subscription validation and tests.
public enum EventTypes {
    /// Every payload type, in catalog order.
    public static var payloadTypes: [any DomainEvent.Type] {
        [
            RoundOpened.self, ApplicationSubmitted.self, ApplicationAmended.self, ApplicationWithdrawn.self,
            ApplicationStatusChanged.self, ExpertPanelChanged.self, ScoreSheetSubmitted.self,
            StudioNamed.self, ProjectGrantAwarded.self, DemonstrationSelected.self,
            StudioRegistered.self, StudioCycleChanged.self, StudioChanged.self, StudioRevoked.self,
            StudioRenewed.self, StudioExpired.self, DemonstrationAccepted.self,
            InspectionMisuseFound.self, GrantPaid.self,
            WebhookTestEvent.self,
            RoundChanged.self, RoundCancelled.self,
            StudioAssessmentOverdue.self, GrantCancelled.self,
        ]
    }

    public static let catalog: [EventTypeInfo] = {
        let all = PlatformService.allCases
        func entry<E: DomainEvent>(_ type: E.Type, _ senders: [PlatformService], _ receivers: [PlatformService],
                                   _ zh: String, _ en: String) -> EventTypeInfo {
            EventTypeInfo(type: E.eventType, version: E.version, senders: senders, receivers: receivers, summaryZh: zh, summaryEn: en)
        }
        return [
            entry(RoundOpened.self, [.intake], [.review], "申报批次已开启", "A round of applications was opened."),
            entry(ApplicationSubmitted.self, [.intake], [.review], "申报已提交", "An application was submitted."),
            entry(ApplicationAmended.self, [.intake], [.review], "申报材料已补正", "An application was amended."),
            entry(ApplicationWithdrawn.self, [.intake], [.review], "申报已撤回", "An application was withdrawn."),
            entry(ApplicationStatusChanged.self, [.review], [.intake], "申报状态变更", "Review changed an application's status."),
            entry(ExpertPanelChanged.self, [.review], [.intake], "评审专家组变更（第十一条）", "The experts who may read an application changed (Art. 11)."),
            // Received by the portal's to-do lists only (PortalFeed).
            entry(ScoreSheetSubmitted.self, [.review], [], "专家已提交评分表（第十一条）", "An expert submitted a score sheet (Art. 11)."),
            entry(StudioNamed.self, [.review], [.assessment, .funding], "工作室获命名（第十一条）", "A studio was named (Art. 11)."),
            entry(ProjectGrantAwarded.self, [.review], [.assessment, .funding], "获课题经费补助（第十三条）", "A project grant was awarded (Art. 13)."),
            entry(DemonstrationSelected.self, [.review], [.assessment, .funding], "入选示范性创新工作室（第十四条）", "A studio was selected for demonstration status (Art. 14)."),
            entry(StudioRegistered.self, [.assessment], [.intake, .review, .funding], "工作室登记在册", "A studio entered the register."),
            entry(StudioCycleChanged.self, [.assessment], [.intake, .review, .funding], "工作室进入新周期（第十七条）", "A studio began a new cycle (Art. 17)."),
            entry(StudioChanged.self, [.assessment], [.intake, .review, .funding], "工作室单位名称或隶属关系变更（第十九条）", "A studio's unit name or affiliation changed (Art. 19)."),
            entry(StudioRevoked.self, [.assessment], [.intake, .review, .funding], "工作室命名被撤销（第十七条、第二十条）", "A studio's title was revoked (Art. 17, 20)."),
            entry(StudioRenewed.self, [.assessment], [.intake, .review, .funding], "工作室考核合格，保留称号（第十七条）", "A studio passed its cycle assessment (Art. 17)."),
            entry(StudioExpired.self, [.assessment], [.intake, .review, .funding], "工作室周期期满未考核，称号到期（第十七条）", "A studio's cycle ended unassessed and its title expired (Art. 17)."),
            entry(DemonstrationAccepted.self, [.assessment], [.intake, .review, .funding], "示范性创新工作室考核验收合格（第十四条）", "A demonstration studio passed acceptance (Art. 14)."),
            entry(InspectionMisuseFound.self, [.funding], [.assessment], "经费检查发现违规使用（第十五、十六条）", "An inspection found misused funds (Art. 15, 16)."),
            // Received by the portal's to-do lists only (PortalFeed), which is not one of the four services.
            entry(GrantPaid.self, [.funding], [], "补助已拨付（第十二至十四条）", "A grant was paid (Art. 12–14)."),
            entry(WebhookTestEvent.self, all, all, "Webhook 连通性测试", "A diagnostic test event."),
            entry(RoundChanged.self, [.intake], [.review], "申报批次截止日期或名额已调整", "A round's deadline or quota was corrected."),
            entry(RoundCancelled.self, [.intake], [.review], "申报批次已撤销", "A round was cancelled."),
            // Received by the portal's to-do lists only (PortalFeed): the department's overdue assessment.
            entry(StudioAssessmentOverdue.self, [.assessment], [], "工作室周期期满未考核，处于宽限期（第十七条）",
                  "A studio's cycle ended unassessed; its grace period is running (Art. 17)."),
            // Received by the portal's to-do lists only (PortalFeed): finance's grant to pay ends.
            entry(GrantCancelled.self, [.funding], [], "补助已取消，不再拨付（第十二至十四条）", "An unpaid grant was cancelled (Art. 12–14)."),
        ]
    }()

    /// Every event type string, in catalog order.
    public static let all: [String] = catalog.map(\.type)

    public static func info(for type: String) -> EventTypeInfo? { catalog.first { $0.type == type } }

    /// The types `service` may receive, for validating a subscription's filter.
    public static func received(by service: PlatformService) -> [String] {
        catalog.filter { $0.receivers.contains(service) }.map(\.type)
    }
}
