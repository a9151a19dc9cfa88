// Where a PostgreSQL job store is: a `postgres://user:password@host:port/database?sslmode=…` URL completed from
// the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT, PGPASSFILE)
// and the password file (~/.pgpass), following libpq's precedence: the URL, then the environment, then
// defaults (localhost:5432, the login name as user and database); the password file is read only when
// neither the URL nor PGPASSWORD gives a password.
import Foundation
import PostgresNIO

public enum PostgresStoreError: Error, CustomStringConvertible {
    case badURL(String, String)
    case unsupported(String)
    case connection(String, Error)
    case query(String, Error)
    /// The connection was lost (or a statement waited past its timeout and the connection was closed).
    case closed

    public var description: String {
        switch self {
        case .closed:
            return "the connection to PostgreSQL was lost"

        case let .badURL(url, why):
            return "not a PostgreSQL URL: \(url) (\(why)). Expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]."
        case let .unsupported(what):
            return "unsupported PostgreSQL connection setting: \(what)"
        case let .connection(target, error):
            return "cannot connect to PostgreSQL at \(target): \(String(reflecting: error)). "
                + "Check that the server runs and accepts this user (see docs/distributed.md)."
        case let .query(what, error):
            return "PostgreSQL store: \(what) failed: \(String(reflecting: error))"
        }
    }
}

public struct PostgresStoreURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// A host name, an IP address, or a directory holding the server's unix socket (starts with "/").
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// PEM file of the certificate authorities to trust (sslrootcert / PGSSLROOTCERT); system roots when nil.
    public var sslRootCert: String?

    /// Parses `url` and completes it from `environment` and the password file.
    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let c = URLComponents(string: url), let scheme = c.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw PostgresStoreError.badURL(url, "the scheme must be postgres:// or postgresql://")
        }
        var query: [String: String] = [:]
        for item in c.queryItems ?? [] { query[item.name] = item.value ?? "" }
        for key in query.keys where !["sslmode", "sslrootcert", "host", "port", "user", "password", "dbname"].contains(key) {
            throw PostgresStoreError.unsupported("URL parameter \(key) (supported: sslmode, sslrootcert, host, port, user, password, dbname)")
        }
        let login = ProcessInfo.processInfo.userName
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        host = nonEmpty(c.percentEncodedHost?.removingPercentEncoding) ?? nonEmpty(query["host"]) ?? nonEmpty(environment["PGHOST"]) ?? "localhost"
        if let p = c.port {
            port = p
        } else if let text = nonEmpty(query["port"]) ?? nonEmpty(environment["PGPORT"]) {
            guard let p = Int(text), (1...65535).contains(p) else { throw PostgresStoreError.badURL(url, "port \(text) is not a port number") }
            port = p
        } else {
            port = 5432
        }
        user = nonEmpty(c.percentEncodedUser?.removingPercentEncoding) ?? nonEmpty(query["user"]) ?? nonEmpty(environment["PGUSER"]) ?? login
        let path = String(c.percentEncodedPath.drop(while: { $0 == "/" }))
        database = nonEmpty(path.removingPercentEncoding) ?? nonEmpty(query["dbname"]) ?? nonEmpty(environment["PGDATABASE"]) ?? user
        let modeText = nonEmpty(query["sslmode"]) ?? nonEmpty(environment["PGSSLMODE"]) ?? "prefer"
        guard let mode = SSLMode(rawValue: modeText) else {
            throw PostgresStoreError.badURL(url, "sslmode \(modeText) is not one of "
                + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        sslMode = mode
        sslRootCert = nonEmpty(query["sslrootcert"]) ?? nonEmpty(environment["PGSSLROOTCERT"])
        password = nonEmpty(c.percentEncodedPassword?.removingPercentEncoding) ?? nonEmpty(query["password"]) ?? environment["PGPASSWORD"]
        if password == nil {
            let file = nonEmpty(environment["PGPASSFILE"])
                ?? nonEmpty(environment["HOME"]).map { $0 + "/.pgpass" }
            if let file { password = Self.passwordFromFile(file, host: host, port: port, database: database, user: user) }
        }
    }

    /// The URL without its password, for messages.
    public var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// libpq's password file: lines `host:port:database:user:password`, `*` matching anything, `\:` and `\\`
    /// escapes, `#` comments; the first matching line wins. Like libpq, a file that the group or others may read
    /// is ignored. A unix-socket host matches `localhost`.
    static func passwordFromFile(_ path: String, host: String, port: Int, database: String, user: String) -> String? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attrs[.posixPermissions] as? Int) ?? (attrs[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 == 0,
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let wanted = [host.hasPrefix("/") ? "localhost" : host, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = []
            var current = ""
            var escaped = false
            for ch in line {
                if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == ":" {
                    fields.append(current); current = ""
                } else { current.append(ch) }
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// The client configuration: TCP or unix socket, TLS per sslmode. `allow` is treated as `prefer`
    /// (postgres-nio tries TLS first); `require` encrypts without verifying the certificate, as libpq does
    /// without a root certificate; `verify-ca` checks the chain but not the host name; `verify-full` both.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if host.hasPrefix("/") {
            return PostgresConnection.Configuration(unixSocketPath: host + "/.s.PGSQL.\(port)", username: user,
                                                    password: password, database: database)
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let sslRootCert {
            tls.trustRoots = .file(sslRootCert)
        }
        let mode: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: mode = .disable
        case .allow, .prefer:
            tls.certificateVerification = sslRootCert == nil ? .none : .fullVerification
            mode = .prefer(try NIOSSLContext(configuration: tls))
        case .require:
            tls.certificateVerification = sslRootCert == nil ? .none : .noHostnameVerification
            mode = .require(try NIOSSLContext(configuration: tls))
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            mode = .require(try NIOSSLContext(configuration: tls))
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            mode = .require(try NIOSSLContext(configuration: tls))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
    }
}
