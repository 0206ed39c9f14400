// swift-tools-version:6.1
import PackageDescription

/// Four services (intake, review, funding, assessment), each a thin executable over a library target,
/// on a shared kit: domain types, the webhook backbone (outbox, libcurl dispatcher, inbox) and the HTTP kit.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// The other packages' products the targets use, each named once.
extension Target.Dependency {
    static let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
    static let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
    static let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
    static let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
    static let hummingbirdAuth = Target.Dependency.product(name: "HummingbirdAuth", package: "hummingbird-auth")
    static let hummingbirdBcrypt = Target.Dependency.product(name: "HummingbirdBcrypt", package: "hummingbird-auth")
    static let hummingbirdOTP = Target.Dependency.product(name: "HummingbirdOTP", package: "hummingbird-auth")
    static let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
    static let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
    static let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
    static let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")
    static let openAPIKit = Target.Dependency.product(name: "OpenAPIKit", package: "OpenAPIKit")
    static let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
    static let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let xmlCoder = Target.Dependency.product(name: "XMLCoder", package: "XMLCoder")
    static let yams = Target.Dependency.product(name: "Yams", package: "Yams")
    static let zipFoundation = Target.Dependency.product(name: "ZIPFoundation", package: "ZIPFoundation")
}

/// A library of the shared kit, in Shared/<name>.
func shared(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: "Shared/\(name)", swiftSettings: swiftSettings)
}

/// A test target, in Tests/<name>.
func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, path: "Tests/\(name)", swiftSettings: swiftSettings)
}

let services = ["Intake", "Review", "Funding", "Assessment"]

var targets: [Target] = [
    .systemLibrary(
        name: "CCurl",
        path: "Shared/CCurl",
        providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    // The WAL write-combining shim over SQLite's default VFS (ServiceKit registers it before opening a database):
    // one pwrite per transaction's frames instead of two per frame; and the writer's WAL hook that counts the frames
    // its commits append, for the background checkpointer (wal_meter.c).
    .target(
        name: "CWALBuffer",
        path: "Shared/CWALBuffer",
        linkerSettings: [.linkedLibrary("sqlite3")]
    ),
    // The webhook transport's event loop: one thread on libcurl's socket interface (curl_multi_socket_action), one
    // poll over the sockets in flight and a wake-up eventfd (CurlTransport).
    .target(
        name: "CCurlLoop",
        dependencies: ["CCurl"],
        path: "Shared/CCurlLoop",
        linkerSettings: [.linkedLibrary("curl")]
    ),
    shared("StudioDomain"),
    // Spreadsheet: the one .xlsx reader/writer (ZIPFoundation for the zip, XMLCoder for the sheet XML) and the
    // CSV reader shared by intake's import and funding's bank confirmation files.
    shared("Spreadsheet", [.zipFoundation, .xmlCoder]),
    tests("SpreadsheetTests", ["Spreadsheet", "TestSupport"]),
    shared("Messaging", [
        "CCurl", "CCurlLoop", "StudioDomain",
        .grdb, .crypto, .logging, .metrics, .serviceLifecycle,
    ]),
    shared("ServiceKit", [
        "CWALBuffer", "Messaging", "StudioDomain",
        .hummingbird, .grdb, .crypto, .logging, .metrics, .prometheus, .serviceLifecycle, .argumentParser,
    ]),
    shared("PlatformClient", ["Messaging", "StudioDomain"]),
    .target(
        name: "TestSupport",
        dependencies: [
            "Messaging", "ServiceKit", "Spreadsheet", "StudioDomain",
            .grdb, .hummingbird, .hummingbirdTesting, .metrics, .logging,
            // Test-only: reads the OpenAPI documents to hold them against the routers.
            .openAPIKit, .yams,
        ],
        path: "Tests/TestSupport",
        resources: [.copy("kit-openapi.yaml")],
        swiftSettings: swiftSettings
    ),
    tests("StudioDomainTests", ["StudioDomain"]),
    tests("MessagingTests", [
        "Messaging", "ServiceKit", "StudioDomain", "TestSupport",
        .grdb, .hummingbird, .hummingbirdTesting, .openAPIKit,
    ]),
    tests("ServiceKitTests", [
        "Messaging", "ServiceKit", "StudioDomain", "TestSupport",
        .argumentParser, .grdb, .hummingbird, .hummingbirdTesting,
    ]),
    tests("IntegrationTests", [
        "Messaging", "ServiceKit", "StudioDomain", "CCurl", "PlatformClient",
        .hummingbirdOTP, .grdb, .openAPIKit, .yams,
    ]),
]

targets.append(.executableTarget(
    name: "studioctl",
    dependencies: ["PlatformClient", "Messaging", .argumentParser, .grdb],
    path: "Services/Studioctl/Executable",
    swiftSettings: swiftSettings
))

// `studiobench`: the benchmark command (deploy/bench.sh, release); starts the real service binaries.
targets.append(.executableTarget(
    name: "studiobench",
    dependencies: [
        "ReviewService", "Messaging", "StudioDomain", "PlatformClient",
        .grdb, .argumentParser, .hummingbird,
    ],
    path: "Services/Benchmark/Executable",
    swiftSettings: swiftSettings
))

// `portal`: the browser entry point for every role (HTML over the four services' HTTP APIs).
targets.append(.target(
    name: "PortalService",
    dependencies: [
        "ServiceKit", "Messaging", "StudioDomain", "IntakeService",
        .hummingbird, .hummingbirdAuth, .hummingbirdBcrypt, .hummingbirdOTP, .mustache, .metrics, .prometheus, .grdb,
        .serviceLifecycle, .argumentParser,
    ],
    // The library is Library/; the folder above holds its OpenAPI document (openapi.yaml), bundled and served as it is.
    path: "Services/Portal",
    exclude: ["Executable", "docs"],
    resources: [.copy("Library/Resources"), .copy("openapi.yaml")],
    swiftSettings: swiftSettings
))
targets.append(.executableTarget(
    name: "portal",
    dependencies: ["PortalService"],
    path: "Services/Portal/Executable",
    swiftSettings: swiftSettings
))
targets.append(tests("PortalServiceTests", [
    "PortalService", "ServiceKit", "StudioDomain", "IntakeService", "ReviewService", "Messaging", "TestSupport",
    .hummingbirdTesting, .grdb, .openAPIKit,
]))

for service in services {
    let library = "\(service)Service"
    targets.append(.target(
        name: library,
        dependencies: [
            "ServiceKit", "Messaging", "StudioDomain", "Spreadsheet",
            .hummingbird, .grdb, .serviceLifecycle, .argumentParser,
        ],
        // The library is Library/; the folder above holds the service's OpenAPI document (openapi.yaml), bundled
        // and served as it is by GET /openapi.yaml.
        path: "Services/\(service)",
        exclude: ["Executable"],
        // Review ships the holiday calendars (法定节假日和调休) of the years whose State Council notice is out.
        resources: [.copy("openapi.yaml")] + (service == "Review" ? [.copy("Library/Resources/holidays")] : []),
        swiftSettings: swiftSettings
    ))
    targets.append(.executableTarget(
        name: service.lowercased(),
        dependencies: [
            .target(name: library),
            "ServiceKit",
        ],
        path: "Services/\(service)/Executable",
        swiftSettings: swiftSettings
    ))
    targets.append(tests("\(library)Tests", [
        .target(name: library), "ServiceKit", "Messaging", "StudioDomain", "TestSupport", "Spreadsheet",
        .hummingbirdTesting, .grdb, .openAPIKit,
    ]))
}

let package = Package(
    name: "QuzhouStudios",
    platforms: [.macOS(.v15)],
    products: services.map { .executable(name: $0.lowercased(), targets: [$0.lowercased()]) }
        + [.executable(name: "studioctl", targets: ["studioctl"]), .executable(name: "portal", targets: ["portal"])],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),
        // Tests only: parse the OpenAPI documents (Services/<Name>/openapi.yaml). No external loading.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: targets
)
