// swift-tools-version:6.1
// The hand-written baseline ("= 1") of the peer comparison: the fund's reading decided in plain
// Swift, Foundation only. Its own package so that its build never touches the repository's.
import PackageDescription

let package = Package(
    name: "NativeFund",
    targets: [
        .executableTarget(
            name: "native-fund",
            path: "Sources/NativeFund"
        )
    ]
)
