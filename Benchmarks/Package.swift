// swift-tools-version:6.1
import PackageDescription

/// Benchmarks of clause (Benchmarks/README.md), kept out of the main package: its own build, its own
/// dependencies (ordo-one/benchmark and its malloc interposer), nothing in the default build or CI.
///
/// The main package's modules declare their API with `package` access, which another package cannot
/// see. So the modules benchmarked in process are compiled here from the main package's own source
/// folders, through the symlinks in `Sources/` (same module names, same dependencies as
/// ../Package.swift): whatever is in ../Sources when this package is built is what gets measured.
/// The main package is deliberately not a dependency (`.package(path: "../")`): SwiftPM refuses a
/// graph holding two targets of the same name ("multiple similar targets … appear in package
/// 'benchmarks' and 'main'"). `run.sh` builds the `clause` executable for the whole-process figures
/// from ../Package.swift itself, into Benchmarks/.build/clause.
let package = Package(
    name: "ClauseBenchmarks",
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .systemLibrary(name: "CYaml", path: "Sources/CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "ClauseSyntax", dependencies: ["CYaml"], path: "Sources/ClauseSyntax"),
        .target(
            name: "ClauseLanguage",
            dependencies: ["ClauseSyntax", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/ClauseLanguage"
        ),
        .target(name: "ClauseEngine", dependencies: ["ClauseLanguage"], path: "Sources/ClauseEngine"),
        .target(name: "ClauseDecisionLine", dependencies: ["ClauseEngine"], path: "Sources/ClauseDecisionLine"),
        .target(name: "ClauseWorkflows", dependencies: ["ClauseEngine"], path: "Sources/ClauseWorkflows"),
        .target(name: "ClauseReports", dependencies: ["ClauseDecisionLine", "ClauseEngine", "ClauseWorkflows"], path: "Sources/ClauseReports"),
        .executableTarget(
            name: "ClauseBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "CYaml", "ClauseSyntax", "ClauseLanguage", "ClauseEngine", "ClauseDecisionLine", "ClauseReports",
            ],
            path: "Benchmarks/ClauseBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
