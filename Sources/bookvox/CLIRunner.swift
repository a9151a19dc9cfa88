// Runs the command tree and maps every error to an exit code: 0 ok, 1 failure, 2 usage,
// 3 bad input, 4 project locked (already rendering), 130 interrupted.
import ArgumentParser
import Bookvox
import Foundation

enum CLIRunner {
    static func main(_ argv: [String]) -> Int32 {
        LoggingSetup.bootstrap(verbose: ProcessInfo.processInfo.environment["BOOKVOX_VERBOSE"] != nil)
        do {
            var command = try BookvoxCommand.parseAsRoot(Array(argv.dropFirst()))
            try command.run()
            return ExitCodes.ok
        } catch let error as BookvoxError {
            Terminal.error(error.description)
            return error.exitCode
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            if let mapped = BookvoxError.mapped(error) {
                Terminal.error(mapped.description)
                return mapped.exitCode
            }
            let code = BookvoxCommand.exitCode(for: error)
            let message = BookvoxCommand.fullMessage(for: error)
            if code == .success {
                print(message)
                return ExitCodes.ok
            }
            if code == .validationFailure {
                Terminal.line(message)
                return ExitCodes.usage
            }
            Terminal.error(message.isEmpty ? "\(error)" : message)
            return ExitCodes.failure
        }
    }
}

enum Terminal {
    static let isTTY = isatty(STDERR_FILENO) == 1

    static func error(_ message: String) { line("error: \(message)") }
    static func warning(_ message: String) { line("warning: \(message)") }

    static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
