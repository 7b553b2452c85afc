import ArgumentParser
import Foundation

// Exit codes: 0 ok, 1 agent unreachable or agent error, 2 usage.
Signals.unblockTermination()

if CommandLine.arguments.count == 1 {
    Output.error(Vipctl.helpMessage())
    exit(2)
}

do {
    var command = try Vipctl.parseAsRoot()
    try command.run()
} catch let error as ClientError {
    Output.error("vipctl: \(error)")
    exit(1)
} catch {
    let code = Vipctl.exitCode(for: error)
    if code == .success {
        Vipctl.exit(withError: error)  // --help, --version: printed by ArgumentParser, exit 0
    }
    Output.error(Vipctl.fullMessage(for: error))
    if code == .validationFailure {
        exit(2)
    }
    exit(code.rawValue)
}
