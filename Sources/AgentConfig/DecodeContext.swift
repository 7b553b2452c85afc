/// What section decoders share during one pass: the problem list and the host's file reader.
struct DecodeContext {
    let diag: Diagnostics
    let readFile: (String) throws -> [UInt8]

    /// Reads a file a key names, reporting at `path` when it cannot be read.
    func read(_ file: String, path: String) -> [UInt8]? {
        do {
            return try readFile(file)
        } catch let error as FileReadError {
            diag.report(path, "cannot read \(file): \(error.reason)")
        } catch {
            diag.report(path, "cannot read \(file): \(error)")
        }
        return nil
    }

    /// Checks that a file a key names can be read (certificates, CAs).
    func checkReadable(_ file: String, path: String) {
        if file.isEmpty {
            diag.report(path, "must not be empty")
            return
        }
        _ = read(file, path: path)
    }
}
