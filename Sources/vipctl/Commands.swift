import AgentConfig
import ArgumentParser
import Foundation
import StatusProtocol

struct Vipctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vipctl",
        abstract: "Inspect and steer the local vip-agent.",
        discussion: "The agent is reached over its control socket: --socket, else $VIPCTL_SOCKET, else "
            + "\(ControlProtocol.defaultSocketPath).",
        version: VIPAgentVersion.current,
        subcommands: [StatusCommand.self, HistoryCommand.self, StepDownCommand.self])
}

struct SocketOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of the agent's control socket.", valueName: "PATH"))
    var socket: String?

    var client: ControlClient {
        ControlClient(path: ControlClient.resolvePath(option: socket))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the VIPs, checks and peers as a table, or the status document as JSON.")

    @OptionGroup var socketOption: SocketOption

    @Flag(name: .long, help: "Print the status document as JSON.")
    var json = false

    @Flag(name: .long, help: "Redraw on every change until interrupted (with --json: one document per line).")
    var watch = false

    func run() throws {
        let client = socketOption.client
        if watch {
            try client.watch { doc in
                Output.write(json ? ControlCodec.compactJSON(doc) + "\n"
                                  : Output.clearScreen + StatusFormatter.table(doc, now: Date()))
            }
            return
        }
        guard case .status(let doc) = try client.send(.status) else {
            throw ClientError.badResponse(path: client.path, detail: "expected a status document")
        }
        Output.write(json ? ControlCodec.prettyJSON(doc) + "\n" : StatusFormatter.table(doc, now: Date()))
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the last state transitions (time, VIP, from, to, reason).")

    @OptionGroup var socketOption: SocketOption

    @Flag(name: .long, help: "Print the transitions as JSON.")
    var json = false

    func run() throws {
        let client = socketOption.client
        guard case .history(let entries) = try client.send(.history) else {
            throw ClientError.badResponse(path: client.path, detail: "expected the transition history")
        }
        Output.write(json ? ControlCodec.prettyJSON(entries) + "\n" : StatusFormatter.history(entries))
    }
}

struct StepDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step-down",
        abstract: "Hand the VIP(s) this node masters over to a peer now (planned maintenance).")

    @Option(name: .long, help: ArgumentHelp("Only this VIP (default: every VIP this node masters).",
                                            valueName: "NAME"))
    var vip: String?

    @OptionGroup var socketOption: SocketOption

    func validate() throws {
        if let vip, vip.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--vip needs a VIP name")
        }
    }

    func run() throws {
        let client = socketOption.client
        guard case .message(let message) = try client.send(.stepDown(vip: vip)) else {
            throw ClientError.badResponse(path: client.path, detail: "expected a message")
        }
        Output.write(message.hasSuffix("\n") ? message : message + "\n")
    }
}
