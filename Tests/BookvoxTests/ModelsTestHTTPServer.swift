// A fake Hugging Face hub for the model download tests: HTTP/1.1 on 127.0.0.1 (ephemeral port, POSIX
// sockets, one thread per connection, `Connection: close`). GET/HEAD /<repo>/resolve/<rev>/<path>:
// "LFS" files answer 302 → /cdn/<sha256> with X-Linked-Size / X-Linked-ETag like the real hub, plain
// files answer 200 with a git-style ETag. Range requests get 206 / 416. Faults can be injected: drop
// the connection after N body bytes, or ignore Range. Every request is recorded.
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class FakeHub: @unchecked Sendable {
    struct File {
        var data: Data
        var lfs: Bool
        var sha256: String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
    }

    struct Request {
        var method: String
        var path: String
        var range: String?
        var authorization: String?
    }

    private let lock = NSLock()
    private var files: [String: File] = [:]  // "<repo>/resolve/<rev>/<path>"
    private var drops: [String: [Int]] = [:]  // resolve key → body bytes to send before dropping, per GET
    private var log: [Request] = []
    var ignoreRange = false
    /// Host name the LFS redirects point at ("localhost" makes the CDN another host than the endpoint).
    var cdnHost = "127.0.0.1"
    /// The CDN refuses HEAD with 403, as a URL presigned for GET does.
    var cdnRejectsHead = true
    private let listenFD: Int32
    private(set) var port: UInt16 = 0
    private var running = true

    var endpoint: String { "http://127.0.0.1:\(port)" }

    init() throws {
        listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listenFD >= 0 else { throw Self.err("socket") }
        var one: Int32 = 1
        setsockopt(listenFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0, listen(listenFD, 64) == 0 else { throw Self.err("bind/listen") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listenFD, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        let t = Thread { [weak self] in self?.acceptLoop() }
        t.start()
    }

    deinit { stop() }

    func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        if wasRunning {
            shutdown(listenFD, Int32(SHUT_RDWR))
            close(listenFD)
        }
    }

    func add(repo: String, revision: String, path: String, data: Data, lfs: Bool) {
        locked { files["\(repo)/resolve/\(revision)/\(path)"] = File(data: data, lfs: lfs) }
    }

    func remove(repo: String, revision: String, path: String) {
        locked { files["\(repo)/resolve/\(revision)/\(path)"] = nil }
    }

    /// The next GETs of this file send only `bytes[i]` body bytes, then close the connection.
    func dropConnection(repo: String, revision: String, path: String, after bytes: [Int]) {
        locked { drops["\(repo)/resolve/\(revision)/\(path)"] = bytes }
    }

    var requests: [Request] { locked { log } }

    func clearLog() { locked { log.removeAll() } }

    /// GET requests that fetched this file's bytes: its CDN URL (LFS) or its resolve URL (plain).
    func gets(path: String, data: Data, lfs: Bool) -> [Request] {
        let suffix = lfs ? "/cdn/" + File(data: data, lfs: true).sha256 : "/" + path
        return requests.filter { $0.method == "GET" && $0.path.hasSuffix(suffix) }
    }

    // MARK: serving

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func acceptLoop() {
        while true {
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                if locked({ running }) && errno == EINTR { continue }
                return
            }
            DispatchQueue.global().async { [self] in
                handle(c)
                close(c)
            }
        }
    }

    private func handle(_ fd: Int32) {
        guard let head = readHead(fd) else { return }
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        let method = String(parts[0])
        let path = String(String(parts[1]).split(separator: "?", maxSplits: 1)[0])
        var headers: [String: String] = [:]
        for l in lines.dropFirst() {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        locked { log.append(Request(method: method, path: path, range: headers["range"], authorization: headers["authorization"])) }
        let key = String((path.removingPercentEncoding ?? path).dropFirst())
        if path.hasPrefix("/cdn/") {
            let sha = String(path.dropFirst(5))
            let hit = locked { files.first { $0.value.lfs && $0.value.sha256 == sha } }
            guard let (resolveKey, file) = hit else { return send(fd, status: "404 Not Found", headers: [:], body: Data()) }
            if method == "HEAD" && cdnRejectsHead {
                return send(fd, status: "403 Forbidden", headers: [:], body: Data(), headOnly: true)
            }
            return serve(fd, file: file, key: resolveKey, method: method, range: headers["range"], extra: [:])
        }
        guard let file = locked({ files[key] }) else {
            return send(fd, status: "404 Not Found", headers: ["X-Error-Code": "EntryNotFound"], body: Data("Entry not found".utf8),
                        headOnly: method == "HEAD")
        }
        if file.lfs {
            let linked = ["X-Linked-Size": "\(file.data.count)", "X-Linked-ETag": "\"\(file.sha256)\"",
                          "Location": "http://\(cdnHost):\(port)/cdn/\(file.sha256)", "X-Repo-Commit": "0123456789abcdef"]
            return send(fd, status: "302 Found", headers: linked, body: Data(), headOnly: method == "HEAD")
        }
        serve(fd, file: file, key: key, method: method, range: headers["range"],
              extra: ["ETag": "\"\(String(file.sha256.prefix(40)))\""])
    }

    private func serve(_ fd: Int32, file: File, key: String, method: String, range: String?, extra: [String: String]) {
        let total = file.data.count
        var start = 0
        var status = "200 OK"
        var headers = extra
        headers["Accept-Ranges"] = "bytes"
        if let range, !ignoreRange, range.hasPrefix("bytes="), let s = Int(range.dropFirst(6).split(separator: "-")[0]) {
            if s >= total {
                headers["Content-Range"] = "bytes */\(total)"
                return send(fd, status: "416 Range Not Satisfiable", headers: headers, body: Data(), headOnly: method == "HEAD")
            }
            start = s
            status = "206 Partial Content"
            headers["Content-Range"] = "bytes \(s)-\(total - 1)/\(total)"
        }
        let body = file.data.subdata(in: start..<total)
        var limit: Int?
        if method == "GET" {
            limit = locked {
                guard var d = drops[key], !d.isEmpty else { return nil }
                let n = d.removeFirst()
                drops[key] = d
                return n
            }
        }
        send(fd, status: status, headers: headers, body: body, headOnly: method == "HEAD", bodyLimit: limit)
    }

    private func send(_ fd: Int32, status: String, headers: [String: String], body: Data, headOnly: Bool = false,
                      bodyLimit: Int? = nil) {
        var head = "HTTP/1.1 \(status)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        writeAll(fd, Data(head.utf8))
        if !headOnly {
            writeAll(fd, bodyLimit.map { body.prefix($0) } ?? body)
        }
        shutdown(fd, Int32(SHUT_WR))
        // Drain what the client still sends so the close does not turn into a reset before it reads.
        var buf = [UInt8](repeating: 0, count: 1024)
        var tv = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        while recv(fd, &buf, buf.count, 0) > 0 {}
    }

    private func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            var off = 0
            while off < p.count {
                #if os(Linux)
                let n = Glibc.send(fd, p.baseAddress! + off, p.count - off, Int32(MSG_NOSIGNAL))
                #else
                let n = Darwin.send(fd, p.baseAddress! + off, p.count - off, 0)
                #endif
                if n <= 0 { return }
                off += n
            }
        }
    }

    private func readHead(_ fd: Int32) -> String? {
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 4096)
        while data.count < 65536 {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { return nil }
            data.append(contentsOf: buf[0..<n])
            if let r = data.range(of: Data("\r\n\r\n".utf8)) {
                return String(decoding: data[..<r.lowerBound], as: UTF8.self)
            }
        }
        return nil
    }

    private static func err(_ what: String) -> NSError {
        NSError(domain: "FakeHub", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: strerror(errno)))"])
    }
}
