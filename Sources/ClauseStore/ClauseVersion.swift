/// The version of `clause` written into every decision record, so a reviewer can tell which
/// interpreter made a decision as well as which rules.
package enum ClauseVersion {
    package static let current = "0.2.0"
}
