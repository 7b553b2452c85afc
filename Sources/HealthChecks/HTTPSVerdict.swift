/// Pure: an HTTP answer turned into success and detail.
enum HTTPSVerdict {
    /// 2xx is healthy ("200 OK"); anything else is "HTTP 500: <first line of the body>".
    static func judge(status: Int, reason: String, body: [UInt8]) -> (success: Bool, detail: String) {
        if (200..<300).contains(status) {
            return (true, reason.isEmpty ? "\(status)" : "\(status) \(reason)")
        }
        return (false, OutputText.joined("HTTP \(status)", OutputText.firstLine(body, limit: 120)))
    }
}
