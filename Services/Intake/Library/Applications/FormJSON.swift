import Foundation
import StudioDomain

/// The JSON of an application form (and of the response to a create and of `application.submitted`), written directly: byte for byte what `DomainJSON.encoder()` writes for it
/// (keys sorted by their UTF-8 bytes, absent fields left out, `/` not escaped, the same string escapes and number
/// forms), at a fraction of the cost of going through `Encodable` (the form is the largest value a submission
/// stores, and encoding it was the largest single share of the write transaction's CPU). Debug builds check every
/// form against the encoder (`ApplicationStore.json(_: ApplicationForm)`), so a field added to the form and
/// forgotten here fails the tests.
struct FormJSON {
    private var bytes: [UInt8] = []

    static func encode(_ form: ApplicationForm) -> String? {
        var writer = FormJSON()
        writer.bytes.reserveCapacity(2048)
        guard writer.write(form) else { return nil }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The response to a create (`ApplicationsController.createdView`), with the form as `formJSON`: nil when the
    /// view has attachments or reasons (a new application has neither), which are left to the encoder.
    static func encodeCreatedView(_ view: ApplicationView, formJSON: String) -> Data? {
        guard view.attachments.isEmpty, view.statusReasons.isEmpty, view.statusHistory.allSatisfy(\.reasons.isEmpty) else { return nil }
        var writer = FormJSON()
        writer.bytes.reserveCapacity(formJSON.utf8.count + 1024)
        var object = Object()
        object.key("attachments", &writer.bytes); writer.bytes.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
        object.key("createdAt", &writer.bytes); writer.string(RFC3339.string(from: view.createdAt))
        object.key("form", &writer.bytes); writer.bytes.append(contentsOf: formJSON.utf8)
        object.key("id", &writer.bytes); writer.string(view.id.rawValue)
        object.key("kind", &writer.bytes); writer.string(view.kind.rawValue)
        object.key("roundId", &writer.bytes); writer.string(view.roundId.rawValue)
        object.key("screeningBodyCode", &writer.bytes); writer.string(view.screeningBodyCode)
        object.key("status", &writer.bytes); writer.string(view.status)
        object.key("statusEn", &writer.bytes); writer.string(view.statusEn)
        object.key("statusHistory", &writer.bytes)
        var list = List(&writer.bytes)
        for entry in view.statusHistory {
            list.next(&writer.bytes)
            var inner = Object()
            inner.key("at", &writer.bytes); writer.string(RFC3339.string(from: entry.at))
            inner.key("reasons", &writer.bytes); writer.bytes.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
            inner.key("source", &writer.bytes); writer.string(entry.source)
            inner.key("status", &writer.bytes); writer.string(entry.status)
            inner.key("statusEn", &writer.bytes); writer.string(entry.statusEn)
            inner.key("statusZh", &writer.bytes); writer.string(entry.statusZh)
            inner.close(&writer.bytes)
        }
        list.close(&writer.bytes)
        object.key("statusReasons", &writer.bytes); writer.bytes.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
        object.key("statusZh", &writer.bytes); writer.string(view.statusZh)
        if let day = view.submittedOn { object.key("submittedOn", &writer.bytes); writer.string(day.description) }
        object.key("updatedAt", &writer.bytes); writer.string(RFC3339.string(from: view.updatedAt))
        object.key("version", &writer.bytes); writer.integer(view.version)
        if let day = view.withdrawnOn { object.key("withdrawnOn", &writer.bytes); writer.string(day.description) }
        object.close(&writer.bytes)
        return Data(writer.bytes)
    }

    /// The payload of `application.submitted` (what the encoder writes for `event`), for `Outbox.append(_:payloadJSON:in:)`;
    /// nil for what is left to the encoder (a non-finite site area).
    static func encode(_ event: ApplicationSubmitted) -> String? {
        var writer = FormJSON()
        writer.bytes.reserveCapacity(2048)
        var object = Object()
        object.key("application", &writer.bytes)
        guard writer.write(event.application) else { return nil }
        object.key("applicationVersion", &writer.bytes); writer.integer(event.applicationVersion)
        object.key("submittedOn", &writer.bytes); writer.string(event.submittedOn.description)
        object.close(&writer.bytes)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private mutating func write(_ content: ApplicationContent) -> Bool {
        var object = Object()
        object.key("applicantUnit", &bytes)
        do {
            let unit = content.applicantUnit
            var inner = Object()
            inner.key("creditCode", &bytes); string(unit.creditCode)
            inner.key("hasTradeUnion", &bytes); bool(unit.hasTradeUnion)
            inner.key("name", &bytes); string(unit.name)
            if let id = unit.unitID { inner.key("unitID", &bytes); string(id.rawValue) }
            inner.key("unitType", &bytes); string(unit.unitType.rawValue)
            inner.close(&bytes)
        }
        object.key("applicationID", &bytes); string(content.applicationID.rawValue)
        if let details = content.details {
            object.key("details", &bytes)
            guard write(details) else { return false }
        }
        object.key("kind", &bytes); string(content.kind.rawValue)
        object.key("leader", &bytes)
        do {
            var inner = Object()
            inner.key("name", &bytes); string(content.leader.name)
            inner.key("skillLevel", &bytes); string(content.leader.skillLevel.rawValue)
            inner.close(&bytes)
        }
        object.key("projectTitles", &bytes); strings(content.projectTitles)
        if let order = content.recommendationOrder { object.key("recommendationOrder", &bytes); integer(order) }
        object.key("roundID", &bytes); string(content.roundID.rawValue)
        object.key("screeningBodyCode", &bytes); string(content.screeningBodyCode)
        object.key("speciality", &bytes); string(content.speciality)
        object.key("studio", &bytes)
        do {
            var inner = Object()
            inner.key("creationStartDate", &bytes); string(content.studio.creationStartDate.description)
            inner.key("name", &bytes); string(content.studio.name)
            inner.close(&bytes)
        }
        if let id = content.studioID { object.key("studioID", &bytes); string(id.rawValue) }
        if let names = content.teamMemberNames { object.key("teamMemberNames", &bytes); strings(names) }
        object.key("teamSize", &bytes); integer(content.teamSize)
        object.key("year", &bytes); integer(content.year)
        object.close(&bytes)
        return true
    }

    private mutating func write(_ details: ApplicationDetails) -> Bool {
        var object = Object()
        object.key("attachments", &bytes)
        var attachments = List(&bytes)
        for attachment in details.attachments {
            attachments.next(&bytes)
            var inner = Object()
            inner.key("fileName", &bytes); string(attachment.fileName)
            inner.key("mediaType", &bytes); string(attachment.mediaType)
            inner.key("sha256", &bytes); string(attachment.sha256)
            inner.key("size", &bytes); integer(attachment.size)
            inner.close(&bytes)
        }
        attachments.close(&bytes)
        object.key("awards", &bytes); strings(details.awards)
        if let text = details.equipment { object.key("equipment", &bytes); string(text) }
        if let money = details.funds { object.key("funds", &bytes); integer(money.fen) }
        if let text = details.leaderSpeciality { object.key("leaderSpeciality", &bytes); string(text) }
        if let text = details.officeFacilities { object.key("officeFacilities", &bytes); string(text) }
        object.key("papers", &bytes); strings(details.papers)
        object.key("patents", &bytes); strings(details.patents)
        object.key("projects", &bytes)
        var projects = List(&bytes)
        for project in details.projects {
            projects.next(&bytes)
            var inner = Object()
            if let text = project.acceptanceStandard { inner.key("acceptanceStandard", &bytes); string(text) }
            if let text = project.commissioningUnit { inner.key("commissioningUnit", &bytes); string(text) }
            if let text = project.content { inner.key("content", &bytes); string(text) }
            if let day = project.endDate { inner.key("endDate", &bytes); string(day.description) }
            if let money = project.funding { inner.key("funding", &bytes); integer(money.fen) }
            if let text = project.requirements { inner.key("requirements", &bytes); string(text) }
            if let day = project.startDate { inner.key("startDate", &bytes); string(day.description) }
            inner.key("title", &bytes); string(project.title)
            inner.close(&bytes)
        }
        projects.close(&bytes)
        if let text = details.screeningOpinion { object.key("screeningOpinion", &bytes); string(text) }
        if let area = details.siteArea {
            guard area.isFinite else { return false }
            object.key("siteArea", &bytes)
            number(area)
        }
        if let text = details.workRules { object.key("workRules", &bytes); string(text) }
        object.close(&bytes)
        return true
    }

    // MARK: The form's structs, each with its keys in sorted order

    private mutating func write(_ form: ApplicationForm) -> Bool {
        var object = Object()
        if let unit = form.applicantUnit { object.key("applicantUnit", &bytes); write(unit) }
        if let text = form.industryField { object.key("industryField", &bytes); string(text) }
        if let leader = form.leader { object.key("leader", &bytes); write(leader) }
        if let projects = form.projects {
            object.key("projects", &bytes)
            var list = List(&bytes)
            for project in projects {
                list.next(&bytes)
                guard write(project) else { return false }
            }
            list.close(&bytes)
        }
        if let results = form.results { object.key("results", &bytes); write(results) }
        if let screening = form.screening { object.key("screening", &bytes); write(screening) }
        if let studio = form.studio {
            object.key("studio", &bytes)
            guard write(studio) else { return false }
        }
        if let id = form.studioId { object.key("studioId", &bytes); string(id.rawValue) }
        if let team = form.team { object.key("team", &bytes); write(team) }
        if let text = form.workRules { object.key("workRules", &bytes); string(text) }
        object.close(&bytes)
        return true
    }

    private mutating func write(_ unit: UnitForm) {
        var object = Object()
        if let text = unit.creditCode { object.key("creditCode", &bytes); string(text) }
        if let flag = unit.hasTradeUnion { object.key("hasTradeUnion", &bytes); bool(flag) }
        if let text = unit.name { object.key("name", &bytes); string(text) }
        if let text = unit.tradeUnionName { object.key("tradeUnionName", &bytes); string(text) }
        if let text = unit.unitType { object.key("unitType", &bytes); string(text) }
        object.close(&bytes)
    }

    private mutating func write(_ studio: StudioForm) -> Bool {
        var object = Object()
        if let day = studio.creationStartDate { object.key("creationStartDate", &bytes); string(day.description) }
        if let text = studio.equipment { object.key("equipment", &bytes); string(text) }
        if let money = studio.funds { object.key("funds", &bytes); integer(money.fen) }
        if let flag = studio.hasFixedSite { object.key("hasFixedSite", &bytes); bool(flag) }
        if let text = studio.name { object.key("name", &bytes); string(text) }
        if let text = studio.officeFacilities { object.key("officeFacilities", &bytes); string(text) }
        if let text = studio.siteAddress { object.key("siteAddress", &bytes); string(text) }
        if let area = studio.siteArea {
            // NaN and infinities make the encoder throw: leave those to it.
            guard area.isFinite else { return false }
            object.key("siteArea", &bytes)
            number(area)
        }
        object.close(&bytes)
        return true
    }

    private mutating func write(_ leader: LeaderForm) {
        var object = Object()
        if let text = leader.certificateNumber { object.key("certificateNumber", &bytes); string(text) }
        if let text = leader.idNumber { object.key("idNumber", &bytes); string(text) }
        if let text = leader.name { object.key("name", &bytes); string(text) }
        if let text = leader.phone { object.key("phone", &bytes); string(text) }
        if let text = leader.skillLevel { object.key("skillLevel", &bytes); string(text) }
        if let text = leader.speciality { object.key("speciality", &bytes); string(text) }
        object.close(&bytes)
    }

    private mutating func write(_ team: TeamForm) {
        var object = Object()
        if let members = team.members {
            object.key("members", &bytes)
            var list = List(&bytes)
            for member in members {
                list.next(&bytes)
                var inner = Object()
                if let text = member.name { inner.key("name", &bytes); string(text) }
                if let text = member.role { inner.key("role", &bytes); string(text) }
                if let text = member.skillLevel { inner.key("skillLevel", &bytes); string(text) }
                inner.close(&bytes)
            }
            list.close(&bytes)
        }
        object.close(&bytes)
    }

    private mutating func write(_ project: ProjectForm) -> Bool {
        var object = Object()
        if let text = project.acceptanceStandard { object.key("acceptanceStandard", &bytes); string(text) }
        if let text = project.commissioningUnit { object.key("commissioningUnit", &bytes); string(text) }
        if let text = project.content { object.key("content", &bytes); string(text) }
        if let day = project.endDate { object.key("endDate", &bytes); string(day.description) }
        if let money = project.funding { object.key("funding", &bytes); integer(money.fen) }
        if let text = project.requirements { object.key("requirements", &bytes); string(text) }
        if let day = project.startDate { object.key("startDate", &bytes); string(day.description) }
        if let text = project.title { object.key("title", &bytes); string(text) }
        object.close(&bytes)
        return true
    }

    private mutating func write(_ results: ResultsForm) {
        var object = Object()
        if let list = results.awards { object.key("awards", &bytes); strings(list) }
        if let list = results.papers { object.key("papers", &bytes); strings(list) }
        if let list = results.patents { object.key("patents", &bytes); strings(list) }
        object.close(&bytes)
    }

    private mutating func write(_ screening: ScreeningForm) {
        var object = Object()
        if let text = screening.opinion { object.key("opinion", &bytes); string(text) }
        if let order = screening.recommendationOrder { object.key("recommendationOrder", &bytes); integer(order) }
        object.close(&bytes)
    }

    // MARK: Values

    /// `{`, then `,` between members.
    private struct Object {
        private var first = true
        mutating func key(_ name: StaticString, _ bytes: inout [UInt8]) {
            bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }
        func close(_ bytes: inout [UInt8]) {
            if first { bytes.append(UInt8(ascii: "{")) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private struct List {
        private var first = true
        init(_ bytes: inout [UInt8]) { bytes.append(UInt8(ascii: "[")) }
        mutating func next(_ bytes: inout [UInt8]) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
        }
        func close(_ bytes: inout [UInt8]) { bytes.append(UInt8(ascii: "]")) }
    }

    private mutating func strings(_ list: [String]) {
        var array = List(&bytes)
        for text in list {
            array.next(&bytes)
            string(text)
        }
        array.close(&bytes)
    }

    private mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    private mutating func integer(_ value: some BinaryInteger) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// As the encoder writes a `Double`: its `description` without a trailing `.0` (`120`, `85.5`, `1e+21`).
    private mutating func number(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A string with the encoder's escapes: `"` and `\`, `\b \f \n \r \t`, other control characters as `\u00XX`
    /// (lowercase hex); everything else, `/` and non-ASCII included, as it is.
    private mutating func string(_ text: String) { DomainJSON.appendString(text, to: &bytes) }
}
