import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAPIKit
import ServiceKit
import Yams

/// Holds a service's OpenAPI document (`Services/<Name>/openapi.yaml`, parsed with OpenAPIKit) against its
/// router and against what `GET /openapi.yaml` serves.
public enum OpenAPIContract {
    /// The checked-in file of `service` ("Intake", "Review", "Funding", "Assessment", "Portal"), read from
    /// the source tree (not the bundle), so a test compares the served bytes with the file itself.
    /// Everything each service's document must hold, in one call: `Services/<service>/openapi.yaml` against the
    /// router of `module` built in demo and in production mode (every route documented, nothing else, served byte
    /// for byte), the kit's shared part, every object schema naming its fields, one field-name convention.
    /// The problems found (empty when it holds) and the parsed document, for the service's own checks.
    public static func problems<Module: ServiceModule>(ofService service: String, _ module: () -> Module) async throws
        -> (problems: [String], document: OpenAPI.Document) {
        let file = try sourceFile(service)
        var problems: [String] = []
        for demoClock in [true, false] {
            let built = try TestService(module(), demoClock: demoClock)
            problems += try await mismatches(built: built.built, file: file).map { "\(demoClock ? "demo" : "production"): \($0)" }
        }
        let document = try parse(file)
        problems += try kitMismatches(in: document)
        problems += bareObjects(in: document).map { "an object schema without fields: \($0)" }
        problems += misnamedFields(in: document).map { "a field off the naming convention: \($0)" }
        return (problems, document)
    }

    public static func sourceFile(_ service: String) throws -> String {
        try String(contentsOf: sourceURL(service), encoding: .utf8)
    }

    public static func sourceURL(_ service: String) -> URL {
        // Tests/TestSupport/OpenAPIContract.swift → the package root
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("Services/\(service)/openapi.yaml")
    }

    /// Parses a document, validates it (OpenAPIKit's default validations: every operation has a response,
    /// operation ids are unique, path parameters are declared, …) and resolves every local reference.
    public static func parse(_ yaml: String) throws -> OpenAPI.Document {
        let document = try YAMLDecoder().decode(OpenAPI.Document.self, from: yaml)
        try document.validate(strict: false)
        _ = try document.locallyDereferenced()
        return document
    }

    /// Every operation of a document as `get /rounds/{id}`.
    public static func operations(in document: OpenAPI.Document) -> Set<String> {
        Set(document.routes.flatMap { route in
            route.pathItem.endpoints.map { "\($0.method.rawValue.lowercased()) \(route.path.rawValue)" }
        })
    }

    /// Every operation with its OpenAPIKit object, keyed like `operations(in:)`.
    public static func operationObjects(in document: OpenAPI.Document) -> [String: OpenAPI.Operation] {
        var result: [String: OpenAPI.Operation] = [:]
        for route in document.routes {
            for endpoint in route.pathItem.endpoints {
                result["\(endpoint.method.rawValue.lowercased()) \(route.path.rawValue)"] = endpoint.operation
            }
        }
        return result
    }

    /// A router's `GET /ops/messages/:id` (`BuiltService.routes`) as `get /ops/messages/{id}`.
    public static func normalise(_ route: String) -> String {
        let parts = route.split(separator: " ", maxSplits: 1)
        let raw = String(parts[1])
        let path = raw.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.reduce("") { $0 + "/" + $1 }
        return "\(parts[0].lowercased()) \(path.isEmpty ? "/" : path)"
    }

    /// The operations a service routes only in demo and test mode (`--demo-clock`).
    public static let demoOnly: Set<String> = ["get /ops/clock", "post /ops/clock"]

    /// The disagreements between a built service and its document: routes not documented, documented
    /// operations not routed, served bytes that differ from `file`, event types the inbox applies that
    /// the description does not name. Empty when all agree.
    public static func mismatches(built: BuiltService, file: String) async throws -> [String] {
        var problems: [String] = []
        let document = try parse(file)
        let documented = operations(in: document)
        let routed = Set(built.routes.map(normalise))
        for route in routed.subtracting(documented).sorted() { problems.append("\(route) is routed but not in the OpenAPI document") }
        // `/ops/clock` is documented as demo and test mode only: a production build has no route for it.
        let absent = routed.isSuperset(of: demoOnly) ? documented : documented.subtracting(demoOnly)
        for operation in absent.subtracting(routed).sorted() { problems.append("\(operation) is documented but not routed") }
        let description = document.info.description ?? ""
        for type in built.handledEventTypes where !description.contains(type) {
            problems.append("the document's description does not name the event type \(type) that the inbox applies")
        }
        let served = try await built.application.test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                (response.status, response.headers[.contentType], Array(response.body.readableBytesView))
            }
        }
        if served.0 != .ok { problems.append("GET /openapi.yaml answered \(served.0)") }
        if served.1 != "application/yaml; charset=utf-8" { problems.append("GET /openapi.yaml is served as \(served.1 ?? "nothing")") }
        if served.2 != Array(file.utf8) { problems.append("GET /openapi.yaml does not serve the file byte for byte") }
        return problems
    }

    /// Tests/TestSupport/kit-openapi.yaml: the kit's endpoints alone, as BareModule serves them.
    public static func kitDocument() throws -> OpenAPI.Document {
        try parse(try OpenAPIFile.load(from: Bundle.module, name: "kit-openapi"))
    }

    /// The kit's part of a service's document (every `/health`, `/ready`, `/metrics`, `/openapi.yaml`,
    /// `/events` and `/ops/…` path and the kit's schemas) against the kit's own document: the same
    /// operations, path items and schemas, so the copy in each service file cannot drift.
    public static func kitMismatches(in document: OpenAPI.Document) throws -> [String] {
        let kit = try kitDocument()
        var problems: [String] = []
        let paths = Dictionary(uniqueKeysWithValues: document.routes.map { ($0.path, $0.pathItem) })
        for route in kit.routes {
            guard let item = paths[route.path] else { problems.append("\(route.path.rawValue) (a kit path) is missing"); continue }
            if item != route.pathItem { problems.append("\(route.path.rawValue) differs from the kit's document") }
        }
        for (name, schema) in kit.components.schemas {
            guard let own = document.components.schemas[name] else { problems.append("schema \(name.rawValue) (the kit's) is missing"); continue }
            if own != schema { problems.append("schema \(name.rawValue) differs from the kit's document") }
        }
        return problems
    }

    /// Object schemas that say nothing of their fields (a bare `type: object`: no properties and no word on
    /// additional ones), with where they are: a client would find the fields by trial. Every request body,
    /// response and component schema is walked, properties, items and combinations included.
    public static func bareObjects(in document: OpenAPI.Document) -> [String] {
        var found: [String] = []
        func walk(_ schema: JSONSchema, _ place: String) {
            switch schema.value {
            case .object(_, let object):
                if object.properties.isEmpty && object.additionalProperties == nil { found.append(place) }
                for (name, property) in object.properties { walk(property, place + "." + name) }
                if case .b(let additional)? = object.additionalProperties { walk(additional, place + ".*") }
            case .array(_, let array):
                if let items = array.items { walk(items, place + "[]") }
            case .all(of: let schemas, core: _), .one(of: let schemas, core: _), .any(of: let schemas, core: _):
                for (index, part) in schemas.enumerated() { walk(part, place + "/\(index)") }
            case .not(let inner, core: _):
                walk(inner, place + "/not")
            default:
                break
            }
        }
        for (name, schema) in document.components.schemas { walk(schema, "#/components/schemas/\(name.rawValue)") }
        for (operation, object) in operationObjects(in: document) {
            for (type, content) in object.requestBody?.b?.content ?? [:] {
                if let schema = content.b?.schema { walk(schema, "\(operation) request \(type.rawValue)") }
            }
            for (status, response) in object.responses {
                for (type, content) in response.b?.content ?? [:] {
                    if let schema = content.b?.schema { walk(schema, "\(operation) \(status.rawValue) \(type.rawValue)") }
                }
            }
        }
        return found.sorted()
    }

    /// Property names that break the API's one convention (camelCase, ids as `expertId`): an `ID` in capitals
    /// or an underscore. `except` names the schemas that carry another format on purpose: the event payload
    /// `ApplicationContent` (keys as the events have them) and the problem document's `message_zh`/`message_en`.
    public static func misnamedFields(in document: OpenAPI.Document,
                                      except: Set<String> = ["#/components/schemas/ApplicationContent", "#/components/schemas/DomainIssue"]) -> [String] {
        var found: Set<String> = []
        func walk(_ schema: JSONSchema, _ place: String, _ root: String) {
            switch schema.value {
            case .object(_, let object):
                for (name, property) in object.properties {
                    if !except.contains(root), name.contains("_") || name.contains(/ID(?![a-z])/) { found.insert("\(place).\(name)") }
                    walk(property, place + "." + name, root)
                }
                if case .b(let additional)? = object.additionalProperties { walk(additional, place + ".*", root) }
            case .array(_, let array):
                if let items = array.items { walk(items, place + "[]", root) }
            case .all(of: let schemas, core: _), .one(of: let schemas, core: _), .any(of: let schemas, core: _):
                for part in schemas { walk(part, place, root) }
            default:
                break
            }
        }
        for (name, schema) in document.components.schemas {
            let root = "#/components/schemas/\(name.rawValue)"
            walk(schema, root, root)
        }
        for (operation, object) in operationObjects(in: document) {
            for parameter in object.parameters.compactMap(\.b) where parameter.location == .query || parameter.location == .path {
                if parameter.name.contains("_") || parameter.name.contains(/ID(?![a-z])/) { found.insert("\(operation) parameter \(parameter.name)") }
            }
            for (_, content) in object.requestBody?.b?.content ?? [:] {
                if let schema = content.b?.schema { walk(schema, "\(operation) request", "") }
            }
            for (status, response) in object.responses {
                for (_, content) in response.b?.content ?? [:] {
                    if let schema = content.b?.schema { walk(schema, "\(operation) \(status.rawValue)", "") }
                }
            }
        }
        return found.sorted()
    }
}
