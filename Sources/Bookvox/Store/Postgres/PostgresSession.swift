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
    /// Longest wait for one statement; past it the connection is closed and the statement fails.
    private let timeout: TimeAmount
    private let brokenFlag = CancellationFlag()

    init(_ url: PostgresStoreURL, logger: Logger, timeoutSeconds: Double = 300) throws {
        self.logger = logger
        timeout = .milliseconds(Int64(timeoutSeconds * 1000))
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
    var isClosed: Bool { brokenFlag.isCancelled || connection.isClosed }

    /// Runs one statement and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        lock.lock()
        defer { lock.unlock() }
        do {
            guard !isClosed else { throw PostgresStoreError.closed }
            // A statement on a connection the server dropped while it was idle can wait forever: the timeout
            // closes the connection, so the caller sees it closed and reconnects.
            let promise = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
            connection.query(query, logger: logger).cascade(to: promise)
            let connection = connection, broken = brokenFlag
            let timer = connection.eventLoop.scheduleTask(in: timeout) {
                broken.cancel()
                promise.fail(PostgresStoreError.closed)
                let closing: EventLoopFuture<Void> = connection.close()
                _ = closing
            }
            defer { timer.cancel() }
            return try promise.futureResult.wait().rows
        } catch {
            // Anything but an ordinary statement error (a FATAL from the server, a closed socket) ends the session.
            if let psql = error as? PSQLError, psql.code == .server, psql.serverInfo?[.severity] != "FATAL",
               psql.serverInfo?[.severity] != "PANIC" {
            } else {
                brokenFlag.cancel()
            }
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
            if !isClosed { try? execute("ROLLBACK") }
            throw error
        }
    }
}
