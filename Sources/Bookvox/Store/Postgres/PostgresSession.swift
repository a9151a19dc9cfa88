// A synchronous PostgreSQL session for the job store: one postgres-nio connection whose EventLoopFuture API
// is waited on from the caller's thread. The pipeline is synchronous (dispatch queues, no async callers of the
// store), so blocking there is safe; the I/O runs on a NIO event loop thread of its own, never on Swift's
// cooperative pool, so a store call cannot starve it. Calls are serialized by a lock: one statement or one
// transaction at a time per session.
import Foundation
import Logging
import PostgresNIO

final class PostgresSession: @unchecked Sendable {
    let logger: Logger
    private let connection: PostgresConnection
    private let lock = NSRecursiveLock()
    private var inTransaction = false

    init(_ url: PostgresStoreURL, logger: Logger) throws {
        self.logger = logger
        do {
            connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                        configuration: try url.connectionConfiguration(),
                                                        id: 1, logger: logger).wait()
        } catch {
            throw PostgresStoreError.connection(url.redacted, error)
        }
    }

    deinit { try? connection.close().wait() }

    /// Whether the connection is gone (the server restarted, the network dropped): the caller reconnects.
    var isClosed: Bool { connection.isClosed }

    /// Runs one statement and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try connection.query(query, logger: logger).wait().rows
        } catch {
            throw PostgresStoreError.query(query.sql, error)
        }
    }

    func execute(_ query: PostgresQuery) throws { try rows(query) }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        precondition(!inTransaction, "nested PostgreSQL job store transaction")
        try execute("BEGIN")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
