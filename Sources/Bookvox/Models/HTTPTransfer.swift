// HTTP(S) transfers for model downloads on URLSession (FoundationNetworking on Linux): HEAD for the
// size / sha256 the server reports, and ranged GETs streamed chunk by chunk to a caller's sink.
// Hugging Face answers `resolve` URLs of Git LFS / Xet files with a redirect to a CDN that carries
// X-Linked-Size and X-Linked-ETag (the sha256); the headers of every response in the redirect chain
// are read. Redirects keep the Range header and drop Authorization when the host changes.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the server says about a file before it is downloaded.
public struct RemoteFileInfo: Equatable, Sendable {
    /// X-Linked-Size, else Content-Length of the final response.
    public var size: Int64?
    /// X-Linked-ETag when it is a sha256 (LFS / Xet files); nil for plain git files.
    public var sha256: String?
}

/// Result of a GET: the status and the byte range the body covers.
struct GetResult {
    var status: Int
    /// Offset of the first body byte in the file (the Range start for 206, else 0).
    var startOffset: Int64
    /// Full file size when the server stated it (Content-Range total, or Content-Length of a 200).
    var totalSize: Int64?
}

final class HTTPTransfer: @unchecked Sendable {
    let token: String?
    let authHost: String?
    let idleTimeout: TimeInterval

    init(token: String?, authHost: String?, idleTimeout: TimeInterval = 60) {
        self.token = token
        self.authHost = authHost
        self.idleTimeout = idleTimeout
    }

    /// HEAD `url`; returns the reported size and sha256. Like huggingface_hub, a redirect that carries
    /// X-Linked-Size is not followed (the CDN URL is signed for GET, a HEAD there may be refused);
    /// other redirects (renamed repos, mirrors) are followed as HEAD.
    func head(_ url: URL) throws -> RemoteFileInfo {
        let d = TaskDelegate(transfer: self, method: "HEAD", range: nil, sink: nil)
        let response = try d.run(request(url, method: "HEAD", range: nil))
        let stoppedAtLinked = (300...399).contains(response.statusCode) && d.linkedSize != nil
        if !stoppedAtLinked { try Self.check(status: response.statusCode, url: url) }
        if stoppedAtLinked { return RemoteFileInfo(size: d.linkedSize, sha256: d.linkedSHA256) }
        let size = d.linkedSize ?? (response.expectedContentLength >= 0 ? response.expectedContentLength : nil)
            ?? Self.header(response, "Content-Length").flatMap { Int64($0) }
        return RemoteFileInfo(size: size, sha256: d.linkedSHA256)
    }

    /// GET `url` from byte `offset`. For a 2xx answer, `onStart` sees the status and range before the
    /// first body byte, then every body chunk goes to `sink`; either may throw to abort. Other statuses
    /// come back in the result without a body.
    func get(_ url: URL, from offset: Int64, onStart: @escaping (GetResult) throws -> Void,
             sink: @escaping (Data) throws -> Void) throws -> GetResult {
        let range = offset > 0 ? "bytes=\(offset)-" : nil
        let d = TaskDelegate(transfer: self, method: "GET", range: range, sink: sink)
        d.onStart = { response in try onStart(Self.result(response, requestedOffset: offset)) }
        let response = try d.run(request(url, method: "GET", range: range))
        return Self.result(response, requestedOffset: offset)
    }

    static func result(_ response: HTTPURLResponse, requestedOffset offset: Int64) -> GetResult {
        let status = response.statusCode
        if status == 206 {
            let cr = header(response, "Content-Range").flatMap(parseContentRange)
            return GetResult(status: status, startOffset: cr?.start ?? offset, totalSize: cr?.total)
        }
        let length = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        return GetResult(status: status, startOffset: 0, totalSize: status == 200 ? length : nil)
    }

    func request(_ url: URL, method: String, range: String?) -> URLRequest {
        var r = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: idleTimeout)
        r.httpMethod = method
        r.setValue("bookvox", forHTTPHeaderField: "User-Agent")
        r.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if let range { r.setValue(range, forHTTPHeaderField: "Range") }
        if let token, let authHost, url.host == authHost {
            r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        return r
    }

    /// Maps error statuses to typed errors (2xx passes).
    static func check(status: Int, url: URL, file: String? = nil) throws {
        switch status {
        case 200...299: return
        case 404: throw ModelDownloadError.notFound(url: url.absoluteString, file: file ?? url.lastPathComponent)
        case 401, 403: throw ModelDownloadError.unauthorized(url: url.absoluteString, status: status)
        default: throw ModelDownloadError.httpStatus(url: url.absoluteString, status: status)
        }
    }

    static func header(_ r: HTTPURLResponse, _ name: String) -> String? {
        for (k, v) in r.allHeaderFields {
            if let k = k as? String, k.caseInsensitiveCompare(name) == .orderedSame { return v as? String }
        }
        return nil
    }

    /// "bytes START-END/TOTAL" → (START, TOTAL?).
    static func parseContentRange(_ v: String) -> (start: Int64, total: Int64?)? {
        let t = v.trimmingCharacters(in: .whitespaces)
        guard t.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = t.dropFirst(6)
        let halves = spec.split(separator: "/", maxSplits: 1)
        guard let first = halves.first, let dash = first.firstIndex(of: "-"), let start = Int64(first[..<dash]) else { return nil }
        let total = halves.count == 2 ? Int64(halves[1]) : nil
        return (start, total)
    }

    /// An ETag value that is a sha256 (quotes and W/ stripped), else nil.
    static func sha256FromETag(_ v: String) -> String? {
        var t = v.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("W/") { t.removeFirst(2) }
        t = t.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return t.count == 64 && t.allSatisfy(\.isHexDigit) ? t.lowercased() : nil
    }
}

/// One task on its own session: collects X-Linked-* headers across redirects, streams the body.
private final class TaskDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let transfer: HTTPTransfer
    let method: String
    let range: String?
    let sink: ((Data) throws -> Void)?
    private let done = DispatchSemaphore(value: 0)
    private var response: HTTPURLResponse?
    private var failure: Error?
    private var sinkError: Error?
    var linkedSize: Int64?
    var linkedSHA256: String?
    var onStart: ((HTTPURLResponse) throws -> Void)?

    init(transfer: HTTPTransfer, method: String, range: String?, sink: ((Data) throws -> Void)?) {
        self.transfer = transfer
        self.method = method
        self.range = range
        self.sink = sink
    }

    func run(_ request: URLRequest) throws -> HTTPURLResponse {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = transfer.idleTimeout
        config.timeoutIntervalForResource = 7 * 24 * 3600
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request).resume()
        done.wait()
        if let sinkError { throw sinkError }
        if let failure {
            let url = request.url?.absoluteString ?? "?"
            let code = (failure as NSError).code
            if Self.connectFailures.contains(code) {
                throw ModelDownloadError.cannotConnect(url: url, reason: Self.describe(failure))
            }
            throw ModelDownloadError.network(url: url, reason: Self.describe(failure))
        }
        guard let response else {
            throw ModelDownloadError.network(url: request.url?.absoluteString ?? "?", reason: "no HTTP response")
        }
        return response
    }

    /// URLError codes meaning no connection was made at all (retrying at once would not help).
    static let connectFailures: Set<Int> = [
        NSURLErrorCannotConnectToHost, NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed,
        NSURLErrorNotConnectedToInternet, NSURLErrorBadURL, NSURLErrorUnsupportedURL, NSURLErrorSecureConnectionFailed,
        NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateNotYetValid,
        NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorClientCertificateRejected,
    ]

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return "\(ns.localizedDescription) (\(ns.domain) \(ns.code))"
    }

    private func collect(_ r: HTTPURLResponse) {
        if let v = HTTPTransfer.header(r, "X-Linked-Size"), let n = Int64(v.trimmingCharacters(in: .whitespaces)) {
            linkedSize = n
        }
        if let v = HTTPTransfer.header(r, "X-Linked-ETag"), let h = HTTPTransfer.sha256FromETag(v) { linkedSHA256 = h }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        collect(response)
        guard let url = request.url, !(method == "HEAD" && linkedSize != nil) else { return completionHandler(nil) }
        // Rebuild the request: same method and Range; the token only for the endpoint's host.
        completionHandler(transfer.request(url, method: method, range: range))
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let r = response as? HTTPURLResponse {
            self.response = r
            collect(r)
            // Error bodies (404 pages) are not file content.
            if !(200...299).contains(r.statusCode) { return completionHandler(.cancel) }
            do {
                try onStart?(r)
            } catch {
                sinkError = error
                return completionHandler(.cancel)
            }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard sinkError == nil, let sink else { return }
        do {
            try sink(data)
        } catch {
            sinkError = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let r = task.response as? HTTPURLResponse, response == nil { response = r }
        if let error, sinkError == nil, !(response.map { !(200...299).contains($0.statusCode) } ?? false) {
            failure = error
        }
        done.signal()
    }
}
