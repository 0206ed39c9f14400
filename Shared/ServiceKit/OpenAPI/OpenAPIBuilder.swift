import Foundation

/// Builds the YAML of OpenAPI paths for `ServiceModule.openAPIPaths` and the kit's own endpoints: path
/// keys at two spaces, methods at four, as `OpenAPIPaths.operations(in:)` reads them. Values written
/// inline (`schema`, `parameters`) are YAML flow mappings such as `ref("Grant")` or `{ type: string }`.
public enum OpenAPIBuilder {
    /// The error statuses an operation declares unless it says otherwise, each the kit's problem document.
    public static let problemStatuses = [400, 401, 403, 404, 409, 422]

    /// A request body: media types, each with its schema (a YAML flow mapping).
    public struct Body: Sendable {
        public var required: Bool
        public var content: [(mediaType: String, schema: String)]

        public init(required: Bool = true, _ content: [(mediaType: String, schema: String)]) {
            self.required = required
            self.content = content
        }

        /// `application/json` with a schema of `components/schemas`.
        public static func json(_ schemaName: String, required: Bool = true) -> Body {
            Body(required: required, [("application/json", ref(schemaName))])
        }
    }

    /// `{ $ref: '#/components/schemas/<name>' }`
    public static func ref(_ schemaName: String) -> String { "{ $ref: '#/components/schemas/\(schemaName)' }" }

    /// A YAML single-quoted scalar: safe for colons, commas, brackets and leading symbols.
    public static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// A parameter as a flow mapping; `schema` is the inside of the schema mapping, e.g. `type: string, enum: [a, b]`.
    public static func parameter(_ name: String, in location: String, required: Bool? = nil, description: String? = nil,
                                 schema: String = "type: string") -> String {
        var fields = ["name: \(name)", "in: \(location)"]
        if let required { fields.append("required: \(required)") }
        if let description { fields.append("description: \(quoted(description))") }
        fields.append("schema: { \(schema) }")
        return "{ " + fields.joined(separator: ", ") + " }"
    }

    /// A required path parameter of the given type.
    public static func pathParameter(_ name: String, type: String = "string") -> String {
        parameter(name, in: "path", required: true, schema: "type: \(type)")
    }

    /// A query parameter; `schema` is the inside of the schema mapping, e.g. `type: integer, minimum: 1`.
    public static func queryParameter(_ name: String, _ schema: String = "type: string", required: Bool? = nil,
                                      description: String? = nil) -> String {
        parameter(name, in: "query", required: required, description: description, schema: schema)
    }

    /// `'<status>': { $ref: '#/components/responses/Problem' }` for each status, at response indentation.
    public static func problemResponses(_ statuses: [Int] = problemStatuses) -> [String] {
        statuses.map { "        '\($0)': { $ref: '#/components/responses/Problem' }" }
    }

    /// One response at response indentation; each media type gets `schema`, none when `schema` is nil.
    /// `alternatives` are further media types with their own schemas (`text/csv` beside JSON).
    public static func response(_ status: Int, description: String = "OK", schema: String? = nil,
                                contentTypes: [String] = ["application/json"], alternatives: [(mediaType: String, schema: String)] = []) -> String {
        var lines = ["        '\(status)':", "          description: \(quoted(description))"]
        if let schema {
            lines.append("          content:")
            for type in contentTypes { lines += ["            \(type):", "              schema: \(schema)"] }
            for (type, other) in alternatives { lines += ["            \(type):", "              schema: \(other)"] }
        }
        return lines.joined(separator: "\n")
    }

    /// One operation under a path (method at four spaces): summary, security (`[]` for none, nil for the
    /// document's), parameters, body, the success response (`status`, `description`, `schema` as
    /// `ref(...)` or inline YAML, served as each of `contentTypes`), the problem responses of `errors`,
    /// and `responses` written with `response(...)` for any other.
    public static func operation(method: String, summary: String, parameters: [String] = [], body: Body? = nil,
                                 status: Int = 200, description: String = "OK", schema: String? = nil,
                                 contentTypes: [String] = ["application/json"], alternatives: [(mediaType: String, schema: String)] = [],
                                 errors: [Int] = problemStatuses, responses: [String] = [], security: [String]? = nil) -> String {
        var lines = ["    \(method):", "      summary: \(quoted(summary))"]
        if let security {
            if security.isEmpty {
                lines.append("      security: []")
            } else {
                lines.append("      security:")
                lines += security.map { "        - \($0): []" }
            }
        }
        if !parameters.isEmpty {
            lines.append("      parameters:")
            lines += parameters.map { "        - \($0)" }
        }
        if let body {
            lines += ["      requestBody:", "        required: \(body.required)", "        content:"]
            for (type, schema) in body.content { lines += ["          \(type):", "            schema: \(schema)"] }
        }
        lines.append("      responses:")
        lines.append(response(status, description: description, schema: schema, contentTypes: contentTypes, alternatives: alternatives))
        lines += responses
        lines += problemResponses(errors)
        return lines.joined(separator: "\n")
    }

    /// A schema (at four spaces, under `components: schemas:`) of an object whose `items` lists `item`s.
    public static func listSchema(_ name: String, of item: String, itemsRequired: Bool = false) -> String {
        (["    \(name):", "      type: object"] + (itemsRequired ? ["      required: [items]"] : [])
            + ["      properties:", "        items: { type: array, items: \(ref(item)) }",
               "        nextCursor: { type: string, description: 'The cursor of the next page (a paged list); absent on the last page' }",
               "        total: { type: integer, minimum: 0, description: 'How many items match the filters in all (a paged list)' }"]).joined(separator: "\n")
    }

    /// `limit` and `cursor`, the query parameters of a paged list (`PageRequest`).
    public static var pageParameters: [String] {
        [queryParameter("limit", "type: integer, minimum: 1, maximum: 500, default: 50", required: false, description: "Items per page"),
         queryParameter("cursor", "type: string", required: false, description: "The nextCursor of the previous page")]
    }

    /// A path (at two spaces) with its operations.
    public static func path(_ path: String, _ operations: String...) -> String {
        (["  \(path):"] + operations).joined(separator: "\n")
    }
}
