// libFuzzer target: the Ethernet frame parsers of the conflict probes (GratuitousARP.NDPFrame,
// ARPFrame, NeighborClaim), compiled with those pure sources by fuzz/run. The input is one frame
// as the packet socket hands it over. A parsed NS/NA must build to bytes that parse to the same
// frame (options it does not know are dropped), and classifying it never traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDP(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = ARPFrame(ethernetFrame: bytes)
    guard let frame = NDPFrame(ethernetFrame: bytes) else { return 0 }
    _ = NeighborClaim.claim(in: frame, of: [frame.target])
    guard let again = NDPFrame(ethernetFrame: frame.bytes) else { fatalError("a built frame does not parse") }
    guard again.target == frame.target, again.type == frame.type, again.flags == frame.flags,
          again.sourceLinkLayer == frame.sourceLinkLayer, again.targetLinkLayer == frame.targetLinkLayer,
          again.nonce == frame.nonce else {
        fatalError("a built frame parses differently")
    }
    return 0
}
