// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for clause (docs/verification.md), kept out of the main package: its own build
/// (`Fuzz/run.sh`, into Fuzz/.build), nothing in the default `swift build`/`swift test`.
///
/// The modules under test come from the main package (`..`) as its library products, through their
/// `public` API. `Fuzz/run.sh` builds with `-Xswiftc -sanitize=fuzzer,address`, so that every Swift
/// module of the build (the main package's as well as these targets) carries libFuzzer's coverage and
/// AddressSanitizer; a package cannot set that flag on a dependency's targets. lld links: gold fails
/// on libFuzzer's archive.
let link: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld"])]

let package = Package(
    name: "ClauseFuzz",
    dependencies: [
        .package(name: "clause", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "FuzzDriver",
                .product(name: "ClauseSyntax", package: "clause"),
                .product(name: "ClauseLanguage", package: "clause"),
                .product(name: "ClauseEngine", package: "clause"),
                .product(name: "ClauseDecisionLine", package: "clause"),
                .product(name: "ClauseReports", package: "clause"),
            ]
        ),
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport"], linkerSettings: link),
        .executableTarget(name: "FuzzCase", dependencies: ["FuzzSupport"], linkerSettings: link),
        .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport"], linkerSettings: link),
        .executableTarget(name: "FuzzPackage", dependencies: ["FuzzSupport"], linkerSettings: link),
        .executableTarget(
            name: "FuzzStore",
            dependencies: ["FuzzSupport", .product(name: "ClauseStore", package: "clause"), .product(name: "GRDB", package: "GRDB.swift")],
            linkerSettings: link
        ),
    ]
)
