// swift-tools-version:6.1
import PackageDescription

/// The pipeline, one module per arrow (docs/architecture.md has the table):
/// YAML text → `ClauseSyntax` (libyaml events → tree with source ranges, diagnostics)
///           → `ClauseLanguage` (values, expressions, policy model, loader, type checker)
///           → `ClauseEngine` (case reading, the evaluators, decisions, scenarios, the programme's input)
///           → `ClauseDecisionLine` (the decision's JSON line and trace writers: what the store records)
///           → `ClauseReports` (every renderer for a reader: text, Markdown, HTML, notices, diffs,
///             coverage, the programme report, ledger, replays, JUnit)
///           → `ClauseCLI` (argument parsing and wiring) → the `clause` executable.
/// Beside it: `ClauseWorkflows` (histories replayed over workflows; Engine's, read by Reports),
/// `ClauseStore` (the decision record in SQLite; Engine's and DecisionLine's, never Reports') and
/// `ClauseServe` (the read-only web workbench, `clause serve`).
let package = Package(
    name: "clause",
    products: [
        .executable(name: "clause", targets: ["clause"]),
        // The libraries Benchmarks/ and Fuzz/ build on, through the small `public` API they use
        // (the rest is `package`: shared by this package's modules only).
        .library(name: "ClauseSyntax", targets: ["ClauseSyntax"]),
        .library(name: "ClauseLanguage", targets: ["ClauseLanguage"]),
        .library(name: "ClauseEngine", targets: ["ClauseEngine"]),
        .library(name: "ClauseDecisionLine", targets: ["ClauseDecisionLine"]),
        .library(name: "ClauseReports", targets: ["ClauseReports"]),
        .library(name: "ClauseStore", targets: ["ClauseStore"]),
        // libyaml itself, for the benchmarks' baseline of its bare event loop.
        .library(name: "CYaml", targets: ["CYaml"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // zlib (Debian's zlib1g-dev, in the base image): the store compresses each decision's JSON line.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "ClauseSyntax", dependencies: ["CYaml"]),
        .target(
            name: "ClauseLanguage",
            dependencies: ["ClauseSyntax", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "ClauseEngine",
            dependencies: ["ClauseLanguage"]
        ),
        .target(name: "ClauseDecisionLine", dependencies: ["ClauseEngine"]),
        .target(name: "ClauseWorkflows", dependencies: ["ClauseEngine"]),
        .target(name: "ClauseReports", dependencies: ["ClauseDecisionLine", "ClauseEngine", "ClauseWorkflows"]),
        .target(
            name: "ClauseStore",
            dependencies: [
                "ClauseEngine", "ClauseDecisionLine", "CZlib", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own API, for the few statements recording runs per decision (DirectStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ClauseServe",
            dependencies: [
                "ClauseEngine", "ClauseDecisionLine", "ClauseReports", "ClauseStore", "ClauseWorkflows",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "ClauseCLI",
            dependencies: ["ClauseDecisionLine", "ClauseReports", "ClauseStore", "ClauseWorkflows", "ClauseServe", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Linked without exporting its own symbols: the static Swift runtime's link arguments ask
        // for `--export-dynamic`, which put 37,000 symbols in the dynamic table for the loader to
        // look up and for `dladdr` to walk at every start (a fifth of `clause --version`'s CPU).
        // Nothing loads the program's symbols by name; crash backtraces read its symbol table.
        .executableTarget(
            name: "clause", dependencies: ["ClauseCLI"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
        ),
        // Tests: one target per module, each file beside the module it tests (a test that needs
        // several modules goes with the highest; every test that runs the built `clause` goes in
        // ClauseCLITests), and the helpers they share in ClauseTestSupport. Fixtures are in
        // Tests/Fixtures, found from the repository's root (`Repo.path`).
        .target(
            name: "ClauseTestSupport",
            dependencies: ["ClauseSyntax", "ClauseLanguage", "ClauseEngine", "ClauseDecisionLine", "ClauseWorkflows"],
            path: "Tests/ClauseTestSupport"
        ),
        .testTarget(name: "ClauseSyntaxTests", dependencies: ["ClauseSyntax", "ClauseTestSupport"]),
        .testTarget(name: "ClauseLanguageTests", dependencies: ["ClauseLanguage", "ClauseTestSupport"]),
        .testTarget(name: "ClauseEngineTests", dependencies: ["ClauseEngine", "ClauseTestSupport"]),
        .testTarget(name: "ClauseDecisionLineTests", dependencies: ["ClauseDecisionLine", "ClauseTestSupport"]),
        .testTarget(name: "ClauseWorkflowsTests", dependencies: ["ClauseWorkflows", "ClauseTestSupport"]),
        .testTarget(name: "ClauseReportsTests", dependencies: ["ClauseReports", "ClauseTestSupport"]),
        .testTarget(
            name: "ClauseStoreTests", dependencies: ["ClauseStore", "ClauseTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "ClauseServeTests", dependencies: ["ClauseServe", "ClauseTestSupport"]),
        .testTarget(
            name: "ClauseCLITests",
            dependencies: [
                "ClauseCLI", "ClauseDecisionLine", "ClauseReports", "ClauseStore", "ClauseWorkflows", "ClauseServe",
                "ClauseTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
