/// Decodes one datagram of journald's native protocol (systemd.journal-fields, "native
/// protocol"): `NAME=value\n`, or `NAME\n` + 64-bit little-endian length + bytes + `\n` for
/// values holding a newline.
enum JournalNativeProtocol {
    static func decode(_ datagram: [UInt8]) -> [(name: String, value: String)]? {
        var fields: [(String, String)] = []
        var index = 0
        while index < datagram.count {
            guard let end = datagram[index...].firstIndex(where: { $0 == 0x0A || $0 == 0x3D }) else { return nil }
            let name = String(decoding: datagram[index..<end], as: UTF8.self)
            if datagram[end] == 0x3D {
                guard let lineEnd = datagram[(end + 1)...].firstIndex(of: 0x0A) else { return nil }
                fields.append((name, String(decoding: datagram[(end + 1)..<lineEnd], as: UTF8.self)))
                index = lineEnd + 1
            } else {
                let lengthStart = end + 1
                guard lengthStart + 8 <= datagram.count else { return nil }
                var length = 0
                for (shift, byte) in datagram[lengthStart..<(lengthStart + 8)].enumerated() {
                    length |= Int(byte) << (8 * shift)
                }
                let valueStart = lengthStart + 8
                guard length >= 0, valueStart + length < datagram.count,
                      datagram[valueStart + length] == 0x0A else { return nil }
                fields.append((name, String(decoding: datagram[valueStart..<(valueStart + length)], as: UTF8.self)))
                index = valueStart + length + 1
            }
        }
        return fields
    }
}
