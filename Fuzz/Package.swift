// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for clause (docs/verification.md), kept out of the main package: its own build
/// (`Fuzz/run.sh`, into Fuzz/.build), nothing in the default `swift build`/`swift test`.
///
/// As in Benchmarks/, the modules under test are compiled here from the main package's own source
/// folders through the symlinks in `Sources/` (same names, same dependencies as ../Package.swift),
/// because their API has `package` access and SwiftPM refuses two targets of one name in a graph.
/// Those modules and the targets are built with libFuzzer's coverage and AddressSanitizer
/// (`-sanitize=fuzzer,address`; swift-crypto and libyaml are not instrumented). lld links: gold
/// fails on libFuzzer's archive.
let sanitize: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]
let link: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]

let package = Package(
    name: "ClauseFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CYaml", path: "Sources/CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "ClauseSyntax", dependencies: ["CYaml"], path: "Sources/ClauseSyntax", swiftSettings: sanitize),
        .target(
            name: "ClauseLanguage",
            dependencies: ["ClauseSyntax", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/ClauseLanguage", swiftSettings: sanitize
        ),
        .target(name: "ClauseEngine", dependencies: ["ClauseLanguage"], path: "Sources/ClauseEngine", swiftSettings: sanitize),
        .target(name: "ClauseDecisionLine", dependencies: ["ClauseEngine"], path: "Sources/ClauseDecisionLine", swiftSettings: sanitize),
        .target(name: "ClauseWorkflows", dependencies: ["ClauseEngine"], path: "Sources/ClauseWorkflows", swiftSettings: sanitize),
        .target(name: "ClauseReports", dependencies: ["ClauseDecisionLine", "ClauseEngine", "ClauseWorkflows"], path: "Sources/ClauseReports", swiftSettings: sanitize),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "ClauseStore",
            dependencies: ["ClauseEngine", "ClauseDecisionLine", "CZlib", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/ClauseStore", swiftSettings: sanitize
        ),
        .target(name: "FuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["FuzzDriver", "ClauseSyntax", "ClauseLanguage", "ClauseEngine", "ClauseDecisionLine", "ClauseReports"],
                swiftSettings: sanitize),
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport"], swiftSettings: sanitize, linkerSettings: link),
        .executableTarget(name: "FuzzCase", dependencies: ["FuzzSupport"], swiftSettings: sanitize, linkerSettings: link),
        .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport"], swiftSettings: sanitize, linkerSettings: link),
        .executableTarget(name: "FuzzPackage", dependencies: ["FuzzSupport"], swiftSettings: sanitize, linkerSettings: link),
        .executableTarget(name: "FuzzStore", dependencies: ["FuzzSupport", "ClauseStore", .product(name: "GRDB", package: "GRDB.swift")],
                          swiftSettings: sanitize, linkerSettings: link),
    ]
)
