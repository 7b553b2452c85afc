import Foundation

// libFuzzer target: the control-line decoder (StatusProtocol.ControlCodec), compiled with the
// StatusProtocol sources by fuzz/run. The input is cut into lines the way the agent's
// ControlLineDecoder frames a connection (newline-terminated, at most maxRequestLineBytes, a
// last line without its newline still counts); every line is decoded as a request (what the
// agent does) and as a response (what vipctl does). A decoded message must encode to a line that
// decodes again.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControlLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Data(UnsafeBufferPointer(start: data, count: size))
    var lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
    for line in lines where line.count <= ControlCodec.maxRequestLineBytes {
        let bytes = Data(line)
        if let request = try? ControlCodec.decodeRequest(bytes) {
            guard (try? ControlCodec.decodeRequest(ControlCodec.encode(request))) != nil else {
                fatalError("an encoded request does not decode")
            }
        }
        if let response = try? ControlCodec.decodeResponse(bytes) {
            guard (try? ControlCodec.decodeResponse(ControlCodec.encode(response))) != nil else {
                fatalError("an encoded response does not decode")
            }
        }
    }
    return 0
}
