import ClauseCLI
import Foundation

exit(ClauseCommand.run(Array(CommandLine.arguments.dropFirst())))
