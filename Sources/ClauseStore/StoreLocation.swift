import Foundation

/// Where the record store is: `--store PATH`, else `CLAUSE_STORE`, else `.clause/records.sqlite`
/// under the working directory (one file per project checkout, nothing to install or start).
package enum StoreLocation {
    package static let defaultPath = ".clause/records.sqlite"

    package static func resolve(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["CLAUSE_STORE"], !env.isEmpty { return env }
        return defaultPath
    }
}
