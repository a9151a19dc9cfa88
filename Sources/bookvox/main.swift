// Entry point: parse, run, map errors to the documented exit codes (docs/cli.md).
import Bookvox
import Foundation

exit(CLIRunner.main(CommandLine.arguments))
