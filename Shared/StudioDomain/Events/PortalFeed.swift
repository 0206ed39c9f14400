import Foundation

/// The events the portal (门户) takes into its own inbox to keep each account's to-do list (待办事项). The portal
/// is a receiver like the services (signed webhooks, its own inbox, exactly once) but sends nothing, so it is not
/// a `PlatformService`; the launcher's wiring (`<service> subscription wire --peer portal`) subscribes it to the
/// types of this list that each service sends.
public enum PortalFeed {
    public static let name = "portal"

    public static let eventTypes: [String] = [
        // intake: which county (screening body) an application belongs to; an amendment or withdrawal ends a return.
        ApplicationSubmitted.eventType, ApplicationAmended.eventType, ApplicationWithdrawn.eventType,
        // review: a return for amendment (the county's to-do), the grants owed (finance's to-do).
        ApplicationStatusChanged.eventType, StudioNamed.eventType, ProjectGrantAwarded.eventType,
        // review: an expert's panel (a new assignment) and their submitted sheet (the assignment done).
        ExpertPanelChanged.eventType, ScoreSheetSubmitted.eventType,
        // assessment: the register (studio names), an expired cycle (the department's overdue assessment), its end.
        StudioRegistered.eventType, StudioRenewed.eventType, StudioRevoked.eventType, StudioExpired.eventType,
        DemonstrationAccepted.eventType, StudioAssessmentOverdue.eventType,
        // funding: a payment or a cancellation ends finance's "grant to pay".
        GrantPaid.eventType, GrantCancelled.eventType,
        WebhookTestEvent.eventType,
    ]

    /// The feed's types that `service` sends.
    public static func sent(by service: PlatformService) -> [String] {
        EventTypes.catalog.filter { $0.senders.contains(service) && eventTypes.contains($0.type) }.map(\.type)
    }
}
