import Foundation
import StudioDomain

/// The JSON of an application form (and of the response to a create and of `application.submitted`), written directly: byte for byte what `DomainJSON.encoder()` writes for it
/// (keys sorted by their UTF-8 bytes, absent fields left out, `/` not escaped, the same string escapes and number
/// forms), at a fraction of the cost of going through `Encodable` (the form is the largest value a submission
/// stores, and encoding it was the largest single share of the write transaction's CPU).
///
/// Each struct is written by an exhaustive `switch` over its `CodingKeys` (`CodableFields`), taken in the encoder's
/// order: a field added to the form or to `ApplicationContent` does not compile until it is written here.
/// `FormJSONTests` hold the bytes against the encoder.
struct FormJSON {
    fileprivate var bytes: [UInt8] = []
    /// Set on a value the encoder refuses (a NaN or infinite number): the caller leaves that value to the encoder.
    fileprivate var unwritable = false

    static func encode(_ form: ApplicationForm) -> String? {
        var writer = FormJSON()
        writer.bytes.reserveCapacity(2048)
        form.write(to: &writer)
        guard !writer.unwritable else { return nil }
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
        event.application.write(to: &writer)
        object.key("applicationVersion", &writer.bytes); writer.integer(event.applicationVersion)
        object.key("submittedOn", &writer.bytes); writer.string(event.submittedOn.description)
        object.close(&writer.bytes)
        guard !writer.unwritable else { return nil }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// A member of an object when its value is present (the encoder leaves an absent optional out).
    fileprivate mutating func member(_ object: inout Object, _ name: [UInt8], _ value: (some DirectJSON)?) {
        guard let value else { return }
        object.key(name, &bytes)
        value.write(to: &self)
    }

    /// A struct's keys in the encoder's order, each with its name's UTF-8 bytes.
    fileprivate static func keys<T: CodableFields>(_: T.Type) -> [(key: T.CodingKeys, name: [UInt8])] {
        T.keysInEncodedOrder.map { ($0, Array($0.rawValue.utf8)) }
    }

    // MARK: Values

    /// `{`, then `,` between members.
    fileprivate struct Object {
        private var first = true
        mutating func key(_ name: StaticString, _ bytes: inout [UInt8]) {
            name.withUTF8Buffer { key($0, &bytes) }
        }
        mutating func key(_ name: some Collection<UInt8>, _ bytes: inout [UInt8]) {
            bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: name)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }
        func close(_ bytes: inout [UInt8]) {
            if first { bytes.append(UInt8(ascii: "{")) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    fileprivate struct List {
        private var first = true
        init(_ bytes: inout [UInt8]) { bytes.append(UInt8(ascii: "[")) }
        mutating func next(_ bytes: inout [UInt8]) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
        }
        func close(_ bytes: inout [UInt8]) { bytes.append(UInt8(ascii: "]")) }
    }

    fileprivate mutating func strings(_ list: [String]) {
        var array = List(&bytes)
        for text in list {
            array.next(&bytes)
            string(text)
        }
        array.close(&bytes)
    }

    fileprivate mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    fileprivate mutating func integer(_ value: some BinaryInteger) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// As the encoder writes a `Double`: its `description` without a trailing `.0` (`120`, `85.5`, `1e+21`).
    fileprivate mutating func number(_ value: Double) {
        // NaN and infinities make the encoder throw: leave those to it.
        guard value.isFinite else { unwritable = true; return }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A string with the encoder's escapes: `"` and `\`, `\b \f \n \r \t`, other control characters as `\u00XX`
    /// (lowercase hex); everything else, `/` and non-ASCII included, as it is.
    fileprivate mutating func string(_ text: String) { DomainJSON.appendString(text, to: &bytes) }
}

/// A value `FormJSON` writes as the encoder would.
fileprivate protocol DirectJSON { func write(to writer: inout FormJSON) }

extension String: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(self) } }
extension Bool: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.bool(self) } }
extension Int: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.integer(self) } }
extension Double: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.number(self) } }
extension Money: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.integer(fen) } }
extension LocalDate: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(description) } }
extension StudioID: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }
extension ApplicationID: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }
extension RoundID: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }
extension UnitID: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }
extension ApplicationKind: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }
extension UnitType: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }
extension SkillLevel: DirectJSON { fileprivate func write(to writer: inout FormJSON) { writer.string(rawValue) } }

extension Array: DirectJSON where Element: DirectJSON {
    fileprivate func write(to writer: inout FormJSON) {
        var list = FormJSON.List(&writer.bytes)
        for element in self {
            list.next(&writer.bytes)
            element.write(to: &writer)
        }
        list.close(&writer.bytes)
    }
}

// MARK: The form's structs and the event's, each by its keys

/// A struct written as an object: its members in the encoder's order, each by an exhaustive `switch` over its keys.
fileprivate protocol DirectJSONObject: CodableFields, DirectJSON {
    static var encodedKeys: [(key: CodingKeys, name: [UInt8])] { get }
    func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON)
}

extension DirectJSONObject {
    fileprivate func write(to writer: inout FormJSON) {
        var object = FormJSON.Object()
        for (key, name) in Self.encodedKeys { write(key, name, &object, &writer) }
        object.close(&writer.bytes)
    }
}

extension ApplicationForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .applicantUnit: writer.member(&object, name, applicantUnit)
        case .studio: writer.member(&object, name, studio)
        case .leader: writer.member(&object, name, leader)
        case .team: writer.member(&object, name, team)
        case .workRules: writer.member(&object, name, workRules)
        case .projects: writer.member(&object, name, projects)
        case .results: writer.member(&object, name, results)
        case .industryField: writer.member(&object, name, industryField)
        case .screening: writer.member(&object, name, screening)
        case .studioId: writer.member(&object, name, studioId)
        }
    }
}

extension UnitForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .name: writer.member(&object, name, self.name)
        case .creditCode: writer.member(&object, name, creditCode)
        case .unitType: writer.member(&object, name, unitType)
        case .hasTradeUnion: writer.member(&object, name, hasTradeUnion)
        case .tradeUnionName: writer.member(&object, name, tradeUnionName)
        }
    }
}

extension StudioForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .name: writer.member(&object, name, self.name)
        case .creationStartDate: writer.member(&object, name, creationStartDate)
        case .hasFixedSite: writer.member(&object, name, hasFixedSite)
        case .siteAddress: writer.member(&object, name, siteAddress)
        case .siteArea: writer.member(&object, name, siteArea)
        case .funds: writer.member(&object, name, funds)
        case .officeFacilities: writer.member(&object, name, officeFacilities)
        case .equipment: writer.member(&object, name, equipment)
        }
    }
}

extension LeaderForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .name: writer.member(&object, name, self.name)
        case .idNumber: writer.member(&object, name, idNumber)
        case .speciality: writer.member(&object, name, speciality)
        case .skillLevel: writer.member(&object, name, skillLevel)
        case .certificateNumber: writer.member(&object, name, certificateNumber)
        case .phone: writer.member(&object, name, phone)
        }
    }
}

extension TeamForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .members: writer.member(&object, name, members)
        }
    }
}

extension MemberForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .name: writer.member(&object, name, self.name)
        case .role: writer.member(&object, name, role)
        case .skillLevel: writer.member(&object, name, skillLevel)
        }
    }
}

extension ProjectForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .title: writer.member(&object, name, title)
        case .commissioningUnit: writer.member(&object, name, commissioningUnit)
        case .content: writer.member(&object, name, content)
        case .startDate: writer.member(&object, name, startDate)
        case .endDate: writer.member(&object, name, endDate)
        case .requirements: writer.member(&object, name, requirements)
        case .acceptanceStandard: writer.member(&object, name, acceptanceStandard)
        case .funding: writer.member(&object, name, funding)
        }
    }
}

extension ResultsForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .patents: writer.member(&object, name, patents)
        case .awards: writer.member(&object, name, awards)
        case .papers: writer.member(&object, name, papers)
        }
    }
}

extension ScreeningForm: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .opinion: writer.member(&object, name, opinion)
        case .recommendationOrder: writer.member(&object, name, recommendationOrder)
        }
    }
}

extension ApplicationContent: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .applicationID: writer.member(&object, name, applicationID)
        case .kind: writer.member(&object, name, kind)
        case .roundID: writer.member(&object, name, roundID)
        case .year: writer.member(&object, name, year)
        case .screeningBodyCode: writer.member(&object, name, screeningBodyCode)
        case .applicantUnit: writer.member(&object, name, applicantUnit)
        case .studio: writer.member(&object, name, studio)
        case .leader: writer.member(&object, name, leader)
        case .teamSize: writer.member(&object, name, teamSize)
        case .teamMemberNames: writer.member(&object, name, teamMemberNames)
        case .projectTitles: writer.member(&object, name, projectTitles)
        case .studioID: writer.member(&object, name, studioID)
        case .recommendationOrder: writer.member(&object, name, recommendationOrder)
        case .speciality: writer.member(&object, name, speciality)
        case .details: writer.member(&object, name, details)
        }
    }
}

extension ApplicationDetails: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .siteArea: writer.member(&object, name, siteArea)
        case .funds: writer.member(&object, name, funds)
        case .officeFacilities: writer.member(&object, name, officeFacilities)
        case .equipment: writer.member(&object, name, equipment)
        case .workRules: writer.member(&object, name, workRules)
        case .projects: writer.member(&object, name, projects)
        case .leaderSpeciality: writer.member(&object, name, leaderSpeciality)
        case .patents: writer.member(&object, name, patents)
        case .awards: writer.member(&object, name, awards)
        case .papers: writer.member(&object, name, papers)
        case .screeningOpinion: writer.member(&object, name, screeningOpinion)
        case .attachments: writer.member(&object, name, attachments)
        }
    }
}

extension AttachmentReference: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .sha256: writer.member(&object, name, sha256)
        case .fileName: writer.member(&object, name, fileName)
        case .mediaType: writer.member(&object, name, mediaType)
        case .size: writer.member(&object, name, size)
        }
    }
}

extension ApplicantUnit: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .unitID: writer.member(&object, name, unitID)
        case .name: writer.member(&object, name, self.name)
        case .creditCode: writer.member(&object, name, creditCode)
        case .unitType: writer.member(&object, name, unitType)
        case .hasTradeUnion: writer.member(&object, name, hasTradeUnion)
        }
    }
}

extension StudioProfile: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .name: writer.member(&object, name, self.name)
        case .creationStartDate: writer.member(&object, name, creationStartDate)
        }
    }
}

extension StudioLeader: DirectJSONObject {
    fileprivate static let encodedKeys = FormJSON.keys(Self.self)
    fileprivate func write(_ key: CodingKeys, _ name: [UInt8], _ object: inout FormJSON.Object, _ writer: inout FormJSON) {
        switch key {
        case .name: writer.member(&object, name, self.name)
        case .skillLevel: writer.member(&object, name, skillLevel)
        }
    }
}
