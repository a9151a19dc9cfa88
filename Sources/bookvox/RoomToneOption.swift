// `--room-tone LEVEL|off` for render and export.
import ArgumentParser
import Bookvox

struct RoomToneOption: ParsableArguments {
    @Option(name: .customLong("room-tone"), parsing: .unconditional,
            help: ArgumentHelp("Room tone in pauses, head and tail: a level in dBFS RMS (-100 to -40) or off for digital "
                + "silence (default -70; remembered by the project).", valueName: "DBFS|off"))
    var roomTone: String?

    func validated() throws -> RoomToneLevel? {
        guard let roomTone else { return nil }
        do { return try RoomToneLevel(parsing: roomTone) } catch { throw ValidationError("\(error)") }
    }
}
