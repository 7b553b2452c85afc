import BasicTypes

/// `cluster:` — port, bind address, peers and the shared key.
enum ClusterSection {
    static let keys = ["port", "bind", "peers", "authKeyFile", "insecure"]

    static func decode(_ reader: MappingReader?, context: DecodeContext) -> ClusterConfig {
        var cluster = ClusterConfig()
        let diag = context.diag
        guard let reader else { return cluster }  // not a mapping: already reported
        if let port = reader.int("port", in: 1...65535) { cluster.port = UInt16(port) }
        if let bindText = reader.string("bind") {
            if let bind = IPAddress(bindText) {
                cluster.bind = bind
            } else {
                diag.report(reader.path("bind"), "\"\(bindText)\" is not an IP address")
            }
        }
        cluster.peers = decodePeers(reader, bind: cluster.bind, diag: diag)
        cluster.insecure = reader.bool("insecure") ?? false
        cluster.authKeyFile = reader.string("authKeyFile")
        if !cluster.insecure {
            cluster.authKey = loadKey(cluster.authKeyFile, reader: reader, context: context)
        }
        return cluster
    }

    private static func decodePeers(_ reader: MappingReader, bind: IPAddress?, diag: Diagnostics) -> [IPAddress] {
        var peers: [IPAddress] = []
        var firstIndex: [IPAddress: Int] = [:]
        for (index, element) in (reader.stringList("peers") ?? []).enumerated() {
            guard let peer = IPAddress(element.value) else {
                diag.report(element.path, "\"\(element.value)\" is not an IP address")
                continue
            }
            if let first = firstIndex[peer] {
                diag.report(element.path, "\(peer) is listed twice (also cluster.peers[\(first)])")
                continue
            }
            firstIndex[peer] = index
            if peer == bind {
                diag.report(element.path, "\(peer) is this node's own bind address")
                continue
            }
            if let bind, bind.isIPv4 != peer.isIPv4 {
                diag.report(element.path, "\(peer) is not in the same address family as cluster.bind \(bind)")
            }
            peers.append(peer)
        }
        return peers
    }

    private static func loadKey(_ file: String?, reader: MappingReader, context: DecodeContext) -> [UInt8] {
        let path = reader.path("authKeyFile")
        guard let file else {
            context.diag.report(path, "required unless cluster.insecure is true")
            return []
        }
        guard !file.isEmpty else {
            context.diag.report(path, "must not be empty")
            return []
        }
        guard let raw = context.read(file, path: path) else { return [] }
        let key = trimTrailingWhitespace(raw)
        if key.isEmpty {
            context.diag.report(path, "\(file) is empty")
        } else if key.count < ClusterConfig.minimumKeyLength {
            context.diag.report(path, "\(file) holds \(key.count) bytes; at least \(ClusterConfig.minimumKeyLength) are required (e.g. `openssl rand -base64 32`)")
        }
        return key
    }

    static func trimTrailingWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(bytes[end - 1]) { end -= 1 }
        return Array(bytes[..<end])
    }
}
