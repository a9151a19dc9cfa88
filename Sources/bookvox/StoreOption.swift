// `--store URL` (or BOOKVOX_STORE): the PostgreSQL database that distributed rendering shares.
import ArgumentParser
import Bookvox
import Foundation

struct StoreOption: ParsableArguments {
    @Option(help: ArgumentHelp("PostgreSQL store shared by workers: postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…] "
        + "(default: BOOKVOX_STORE). Password and TLS settings follow libpq's PG* variables and ~/.pgpass.", valueName: "url"))
    var store: String?

    /// The store URL given or in the environment; nil when neither.
    func url() throws -> PostgresStoreURL? {
        let env = ProcessInfo.processInfo.environment["BOOKVOX_STORE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let given = store ?? env else { return nil }
        return try PostgresStoreURL(given)
    }

    func required() throws -> PostgresStoreURL {
        guard let url = try url() else {
            throw ValidationError("give the PostgreSQL store with --store postgres://USER@HOST/DATABASE or BOOKVOX_STORE.")
        }
        return url
    }
}
