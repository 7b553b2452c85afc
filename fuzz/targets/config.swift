// libFuzzer target: the configuration loader (AgentConfig.ConfigLoader), compiled with the
// AgentConfig sources by fuzz/run against the Yams objects of the package build. The input is
// the YAML text; files named by keys (auth key, CA, certificates) read as fixed contents, so the
// run touches nothing on the host. Any input gives a configuration or a list of problems.

private let files: [String: [UInt8]] = [
    "/etc/vip-agent/auth.key": Array("0123456789abcdef0123456789abcdef".utf8),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count <= ConfigLoader.maximumFileSize,
          let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let result = ConfigLoader.parse(yaml: text, readFile: { path in
        guard let contents = files[path] else { throw FileReadError(path: path, reason: "No such file or directory") }
        return contents
    }, hostName: "fuzz-host")
    if case .failure(let problems) = result, problems.problems.isEmpty {
        fatalError("a refused configuration names no problem")
    }
    return 0
}
