// swift-tools-version:6.1
import PackageDescription

/// Benchmarks of clause (Benchmarks/README.md), kept out of the main package: its own build, its own
/// dependencies (ordo-one/benchmark and its malloc interposer), nothing in the default build or CI.
///
/// The modules benchmarked in process come from the main package (`..`) as its library products,
/// through their `public` API: whatever is in ../Sources when this package is built is what gets
/// measured. `run.sh` builds the `clause` executable for the whole-process figures from
/// ../Package.swift itself, into Benchmarks/.build/clause.
let package = Package(
    name: "ClauseBenchmarks",
    dependencies: [
        .package(name: "clause", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ClauseBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CYaml", package: "clause"),
                .product(name: "ClauseSyntax", package: "clause"),
                .product(name: "ClauseLanguage", package: "clause"),
                .product(name: "ClauseEngine", package: "clause"),
                .product(name: "ClauseDecisionLine", package: "clause"),
                .product(name: "ClauseReports", package: "clause"),
            ],
            path: "Benchmarks/ClauseBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
