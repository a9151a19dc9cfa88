// Entry point: use the CPU's OpenBLAS kernels, parse, run, map errors to the documented exit codes (docs/cli.md).
import Bookvox
import Foundation

BLASKernelChoice.restartWithBetterKernelsIfNeeded(CommandLine.arguments)
exit(CLIRunner.main(CommandLine.arguments))
