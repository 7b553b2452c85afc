// libFuzzer target: the OVSDB JSON splitter and parser (OVSDB/JSON), compiled with those sources
// by fuzz/run. The input is fed to the splitter in chunks whose sizes come from the first byte,
// as a socket would deliver it; every object it cuts out is parsed, and what parses must write
// and parse back to the same value. The whole input is also parsed as one value.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOVSDBJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let chunk = Int(input[0] % 64) + 1
    let stream = input.dropFirst()
    var splitter = JSONObjectSplitter(maxMessageSize: 4096)
    var offset = stream.startIndex
    splitting: while offset < stream.endIndex {
        let end = min(offset + chunk, stream.endIndex)
        splitter.append(stream[offset..<end])
        offset = end
        while true {
            let object: [UInt8]?
            do { object = try splitter.next() } catch { break splitting }
            guard let object else { break }
            roundTrip(object)
        }
    }
    _ = try? JSONParser.parse(stream)
    return 0
}

private func roundTrip(_ bytes: [UInt8]) {
    guard let value = try? JSONParser.parse(bytes) else { return }
    let written = JSONWriter.bytes(value)
    guard let again = try? JSONParser.parse(written) else { fatalError("written JSON does not parse") }
    guard again == value else { fatalError("JSON did not round-trip") }
}
