import OVSDB
import XCTest
@testable import GatewayFailover

final class GatewayStoreTests: XCTestCase {
    func testPortViewReadsOnlyTheRowsOfTheNamedPortHighestFirst() {
        var db = DatabaseSnapshot(tables: ["Logical_Router_Port", "Gateway_Chassis"])
        db.tables["Logical_Router_Port"]?.rows = [
            "p1": ["name": "ovn-cluster-external", "gateway_chassis": ["set", [["uuid", "g1"], ["uuid", "g2"], ["uuid", "g9"]]]],
            "p2": ["name": "other", "gateway_chassis": ["uuid", "g3"]],
        ]
        db.tables["Gateway_Chassis"]?.rows = [
            "g1": ["name": "ovn-cluster-external-a", "chassis_name": "a", "priority": 99],
            "g2": ["name": "ovn-cluster-external-b", "chassis_name": "b", "priority": 100],
            "g3": ["name": "other-c", "chassis_name": "c", "priority": 200],
        ]
        let view = GatewayPortView.read(port: "ovn-cluster-external", from: db)
        XCTAssertEqual(view?.portUUID, "p1")
        XCTAssertEqual(view?.rows.map(\.chassisName), ["b", "a"])
        XCTAssertEqual(view?.activeChassis, "b")
        XCTAssertEqual(view?.gatewayChassisUUIDs, ["g1", "g2", "g9"])
        XCTAssertNil(GatewayPortView.read(port: "missing", from: db))
    }

    func testMalformedRowsAreLeftOutNotGuessed() {
        var db = DatabaseSnapshot(tables: ["Logical_Router_Port", "Gateway_Chassis"])
        db.tables["Logical_Router_Port"]?.rows = ["p1": ["name": "lrp", "gateway_chassis": ["set", [["uuid", "g1"], ["uuid", "g2"]]]]]
        db.tables["Gateway_Chassis"]?.rows = ["g1": ["chassis_name": "a", "priority": "high"], "g2": ["chassis_name": "b", "priority": 5]]
        XCTAssertEqual(GatewayPortView.read(port: "lrp", from: db)?.rows.map(\.chassisName), ["b"])
    }

    func testTransactionGuardsThePortAndEveryRowBeforeUpdating() {
        let rows = [GatewayChassisRow(uuid: "g1", name: "lrp-a", chassisName: "a", priority: 100),
                    GatewayChassisRow(uuid: "g2", name: "lrp-b", chassisName: "b", priority: 99)]
        let view = GatewayPortView(portUUID: "p1", portName: "lrp", gatewayChassisUUIDs: ["g2", "g1"], rows: rows)
        let plan = GatewayPlan(masterChassis: "b", ranking: [], rows: rows)
        let ops = GatewayChassisStore.operations(plan, over: view, comment: "test")
        XCTAssertEqual(ops.map(\.name), ["wait", "wait", "wait", "update", "update", "comment"])
        XCTAssertEqual(ops[0].json["table"], "Logical_Router_Port")
        XCTAssertEqual(ops[0].json["rows"], [["gateway_chassis": ["set", [["uuid", "g1"], ["uuid", "g2"]]]]])
        XCTAssertEqual(ops[0].json["timeout"], 0)
        XCTAssertEqual(ops[1].json["where"], [["_uuid", "==", ["uuid", "g1"]]])
        XCTAssertEqual(ops[1].json["rows"], [["priority": 100]])
        XCTAssertEqual(ops[2].json["rows"], [["priority": 99]])
        let updates = Dictionary(uniqueKeysWithValues: ops[3...4].map {
            ($0.json["where"]!.arrayValue![0].arrayValue![2].ovsdbUUID!, $0.json["row"]!["priority"]!)
        })
        XCTAssertEqual(updates, ["g1": 99, "g2": 100])
    }
}
