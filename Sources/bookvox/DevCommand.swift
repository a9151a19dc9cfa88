// Developer tools group. The integrator adds `dev parity CASE_DIR...` here; `bench` and `models`
// join the root command's subcommand list in BookvoxCommand.swift.
import ArgumentParser

struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Developer tools (parity checks).", subcommands: [])
}
