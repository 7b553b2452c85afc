// libFuzzer target: the advert decoder (ElectionProtocol.AdvertCodec, wire format v2), compiled
// together with the ElectionProtocol sources by fuzz/run. Input byte 0 picks the mode:
//   even: the remaining bytes are decoded as a datagram as they arrived (exercises framing and
//         the authentication check);
//   odd:  the remaining bytes are first given a valid HMAC with the fuzz key (replacing their last
//         32 bytes), so the fields behind authentication (counts, names, groups) are reached too.
// Whatever decodes must encode back to the same bytes.

private let fuzzKey = AuthKey(bytes: Array("fuzz-key-0123456789abcdef".utf8))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdvert(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var bytes = Array(input.dropFirst())
    if input[0] & 1 == 1, bytes.count >= AdvertCodec.macLength {
        bytes.removeLast(AdvertCodec.macLength)
        bytes += fuzzKey.mac(bytes)
    }
    if case .success(let datagram) = AdvertCodec.decode(bytes, key: fuzzKey) {
        let again = AdvertCodec.encode(datagram, key: fuzzKey)
        guard again == bytes else { fatalError("advert did not round-trip") }
    }
    return 0
}
