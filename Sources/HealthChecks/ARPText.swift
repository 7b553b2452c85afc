/// Pure formatting of ARP addresses for details.
enum ARPText {
    /// "10.4.19.1"
    static func ipv4(_ bytes: [UInt8]) -> String {
        bytes.map(String.init).joined(separator: ".")
    }

    /// "aa:bb:cc:dd:ee:ff"
    static func mac(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
