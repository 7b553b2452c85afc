import TestSupport
import Foundation
import Logging
import XCTest
@testable import OVSDB

/// Against a real ovsdb-server serving the OVN northbound schema.
final class ClientServerTests: XCTestCase {
    var servers: [OVSDBServerFixture] = []
    var clients: [OVSDBClient] = []
    let logger = Logger(label: "ovsdb-test")

    override func tearDown() async throws {
        for client in clients { await client.close() }
        for server in servers { server.shutdown() }
    }

    func server() throws -> OVSDBServerFixture {
        let s = try OVSDBServerFixture()
        servers.append(s)
        return s
    }

    func client(_ remotes: String, options: OVSDBClientOptions = OVSDBClientOptions()) throws -> OVSDBClient {
        let c = OVSDBClient(remotes: try OVSDBRemote.parseList(remotes), logger: logger, options: options)
        clients.append(c)
        return c
    }

    func testConnectsOverUnixAndTCP() async throws {
        let nb = try server()
        for remote in [nb.unixRemote, nb.tcpRemote] {
            let c = try client(remote)
            try await c.connect()
            let state = await c.connectionState
            XCTAssertEqual(state, .connected(try OVSDBRemote.parse(remote)))
            let dbs = try await c.listDatabases()
            XCTAssertTrue(dbs.contains("OVN_Northbound"), "\(remote): \(dbs)")
        }
    }

    func testMonitorSeesRowsCreatedByNbctl() async throws {
        let nb = try server()
        let c = try client(nb.tcpRemote)
        try await c.connect()
        let seen = Locked<[String]>([])
        try await c.monitor(database: "OVN_Northbound", tables: [MonitorTable("Logical_Router", columns: ["name"])]) {
            snapshot in
            seen.set(snapshot["Logical_Router"].rows.values.compactMap { $0["name"]?.stringValue }.sorted())
        }
        try nb.nbctl(["lr-add", "r1"])
        try nb.nbctl(["lr-add", "r2"])
        let bothSeen = await eventually { seen.get() == ["r1", "r2"] }
        XCTAssertTrue(bothSeen, "monitor saw \(seen.get())")
        try nb.nbctl(["lr-del", "r1"])
        let deleteSeen = await eventually { seen.get() == ["r2"] }
        XCTAssertTrue(deleteSeen, "monitor saw \(seen.get())")
    }

    func testTransactWithFailingWaitIsRefusedAndNothingIsWritten() async throws {
        let nb = try server()
        let c = try client(nb.unixRemote)
        try await c.connect()
        let inserted = try await c.transact(database: "OVN_Northbound", operations: [
            .insert("Logical_Router", row: ["name": "r1", "options": OVSDBDatum.map(["k": "v"])]),
        ])
        let uuid = try XCTUnwrap(inserted.first?.uuid)

        let guarded: [OVSDBOperation] = [
            .wait("Logical_Router", where: [.uuid(uuid)], columns: ["name"], rows: [["name": "somebody-else"]]),
            .update("Logical_Router", where: [.uuid(uuid)], row: ["name": "renamed"]),
        ]
        do {
            _ = try await c.transact(database: "OVN_Northbound", operations: guarded)
            XCTFail("a wait on a wrong value must refuse the transaction")
        } catch let error as OVSDBError {
            XCTAssertTrue(error.isWaitConflict, "\(error)")
        }
        XCTAssertEqual(try nb.nbctl(["--bare", "--columns=name", "list", "Logical_Router"])
            .trimmingCharacters(in: .whitespacesAndNewlines), "r1")

        let matching: [OVSDBOperation] = [
            .wait("Logical_Router", where: [.uuid(uuid)], columns: ["name"], rows: [["name": "r1"]]),
            .update("Logical_Router", where: [.uuid(uuid)], row: ["name": "renamed"]),
        ]
        let results = try await c.transact(database: "OVN_Northbound", operations: matching)
        XCTAssertEqual(results.last?.count, 1)
        XCTAssertEqual(try nb.nbctl(["--bare", "--columns=name", "list", "Logical_Router"])
            .trimmingCharacters(in: .whitespacesAndNewlines), "renamed")
    }

    func testServerErrorsAreSurfacedWithTheirText() async throws {
        let nb = try server()
        let c = try client(nb.unixRemote)
        try await c.connect()
        do {
            _ = try await c.transact(database: "No_Such_DB", operations: [.select("X")])
            XCTFail("unknown database accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("unknown database"), "\(error)")
        }
        do {
            _ = try await c.transact(database: "OVN_Northbound", operations: [.select("No_Such_Table")])
            XCTFail("unknown table accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("No_Such_Table"), "\(error)")
        }
        do {
            try await c.monitor(database: "OVN_Northbound", tables: [MonitorTable("No_Such_Table")]) { _ in }
            XCTFail("monitor of an unknown table accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("No_Such_Table"), "\(error)")
        }
        // The connection is still usable after refused requests.
        let dbs = try await c.listDatabases()
        XCTAssertTrue(dbs.contains("OVN_Northbound"))
    }

    func testReconnectsToTheSecondRemoteWhenTheFirstDiesAndMonitorFollows() async throws {
        let first = try server()
        let second = try server()
        try second.nbctl(["lr-add", "on-second"])
        let c = try client("\(first.unixRemote),\(second.tcpRemote)",
                           options: OVSDBClientOptions(initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(400)))
        try await c.connect()
        let firstState = await c.connectionState
        XCTAssertEqual(firstState, .connected(try OVSDBRemote.parse(first.unixRemote)))
        let names = Locked<[String]>([])
        try await c.monitor(database: "OVN_Northbound", tables: [MonitorTable("Logical_Router", columns: ["name"])]) {
            names.set($0["Logical_Router"].rows.values.compactMap { $0["name"]?.stringValue })
        }
        first.stop()
        let moved = await eventually { await c.connectionState == .connected(try! OVSDBRemote.parse(second.tcpRemote)) }
        let shown = await c.connectionState
        XCTAssertTrue(moved, "\(shown)")
        let resynced = await eventually { names.get() == ["on-second"] }
        XCTAssertTrue(resynced, "replica after reconnection: \(names.get())")
        let dbs = try await c.listDatabases()
        XCTAssertTrue(dbs.contains("OVN_Northbound"))
    }

    func testConnectFailsWithEveryRemoteNamedAndRecoversWhenAServerAppears() async throws {
        let nb = try server()
        nb.stop()
        let c = try client("\(nb.unixRemote),tcp:127.0.0.1:1",
                           options: OVSDBClientOptions(initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200)))
        do {
            try await c.connect()
            XCTFail("connected to nothing")
        } catch let OVSDBError.connectFailed(errors) {
            XCTAssertEqual(errors.count, 2)
            XCTAssertTrue(errors[0].contains(nb.socketPath), errors[0])
            XCTAssertTrue(errors[1].contains("127.0.0.1:1"), errors[1])
        }
        let down = await c.connectionState
        XCTAssertFalse(down.isConnected)
        XCTAssertTrue("\(down)".contains("disconnected"), "\(down)")
        try nb.start()
        let up = await eventually { await c.connectionState.isConnected }
        XCTAssertTrue(up)
    }

    func testASocketThatNeverAnswersIsNotCountedAsConnected() async throws {
        let nb = try server()
        let silent = try SilentServer()
        defer { silent.close() }
        let c = try client("tcp:127.0.0.1:\(silent.port),\(nb.tcpRemote)",
                           options: OVSDBClientOptions(connectTimeout: .milliseconds(300), initialBackoff: .milliseconds(50)))
        try await c.connect()
        let state = await c.connectionState
        XCTAssertEqual(state, .connected(try OVSDBRemote.parse(nb.tcpRemote)))
    }

    func testAHungServerIsDetectedByKeepAliveAndLeft() async throws {
        let first = try server()
        let second = try server()
        let c = try client("\(first.tcpRemote),\(second.tcpRemote)",
                           options: OVSDBClientOptions(echoInterval: .milliseconds(200), echoTimeout: .milliseconds(300),
                                                       connectTimeout: .milliseconds(500), initialBackoff: .milliseconds(50)))
        try await c.connect()
        let initial = await c.connectionState
        XCTAssertEqual(initial, .connected(try OVSDBRemote.parse(first.tcpRemote)))
        first.freeze()
        defer { first.thaw() }
        let moved = await eventually(timeout: .seconds(3)) {
            await c.connectionState == .connected(try! OVSDBRemote.parse(second.tcpRemote))
        }
        let shown = await c.connectionState
        XCTAssertTrue(moved, "\(shown)")
    }

    func testAnswersTheServersEchoSoTheServerKeepsUsConnected() async throws {
        let nb = try server()
        // ovsdb-server probes an idle TCP client every 5 s and drops it after a second silent period.
        let c = try client(nb.tcpRemote, options: OVSDBClientOptions(echoInterval: .seconds(3600)))
        let connections = Locked<Int>(0)
        await c.onStateChange { state in if state.isConnected { connections.set(connections.get() + 1) } }
        try await c.connect()
        try await Task.sleep(for: .seconds(12))
        let state = await c.connectionState
        XCTAssertTrue(state.isConnected, "\(state)")
        XCTAssertEqual(connections.get(), 1, "the connection was dropped and re-made")
        let log = (try? String(contentsOf: nb.directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        XCTAssertFalse(log.contains("no response to inactivity probe"), log)
    }

    func testReadsLocalChassisID() async throws {
        let server = try OVSDBServerFixture(schema: "/usr/share/openvswitch/vswitch.ovsschema")
        servers.append(server)
        try OVSDBServerFixture.run("/usr/bin/ovs-vsctl", ["--db=\(server.unixRemote)", "--no-wait", "init"])
        try OVSDBServerFixture.run("/usr/bin/ovs-vsctl", ["--db=\(server.unixRemote)", "--no-wait", "set",
                                                          "Open_vSwitch", ".", "external_ids:system-id=node-a"])
        let id = try await readLocalChassisID(ovsdbSocket: server.unixRemote)
        XCTAssertEqual(id, "node-a")
        try OVSDBServerFixture.run("/usr/bin/ovs-vsctl", ["--db=\(server.unixRemote)", "--no-wait", "remove",
                                                          "Open_vSwitch", ".", "external_ids", "system-id"])
        do {
            _ = try await readLocalChassisID(ovsdbSocket: server.unixRemote)
            XCTFail("no system-id must be an error")
        } catch {
            XCTAssertTrue("\(error)".contains("system-id"), "\(error)")
        }
    }
}
