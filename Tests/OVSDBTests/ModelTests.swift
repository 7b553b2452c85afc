import XCTest
@testable import OVSDB

final class ModelTests: XCTestCase {
    func testRemoteListParsing() throws {
        XCTAssertEqual(try OVSDBRemote.parseList(" tcp:192.168.0.2:6641, ssl:[fd00::1]:6641 ,unix:/run/ovn/nb.sock"),
                       [.tcp(host: "192.168.0.2", port: 6641), .ssl(host: "fd00::1", port: 6641),
                        .unix(path: "/run/ovn/nb.sock")])
        XCTAssertEqual(OVSDBRemote.ssl(host: "fd00::1", port: 6641).description, "ssl:[fd00::1]:6641")
        for bad in ["", "tcp:1.2.3.4", "tcp:1.2.3.4:0", "tcp::6641", "udp:1.2.3.4:1", "unix:", "tcp:fd00::1:6641",
                    "tcp:1.2.3.4:6641,", "nonsense"] {
            XCTAssertThrowsError(try OVSDBRemote.parseList(bad), "accepted \(bad)") { error in
                XCTAssertTrue("\(error)".contains("OVSDB remote"), "\(error)")
            }
        }
    }

    func testSnapshotAppliesInsertModifyDeleteAndRejectsMalformedUpdatesWhole() throws {
        var db = DatabaseSnapshot(tables: ["Gateway_Chassis"])
        try db.reset(initial: ["Gateway_Chassis": ["u1": ["new": ["name": "a", "priority": 100]]]])
        try db.apply(tableUpdates: ["Gateway_Chassis": ["u1": ["old": ["priority": 100], "new": ["priority": 99]],
                                                        "u2": ["new": ["name": "b", "priority": 98]]]])
        XCTAssertEqual(db["Gateway_Chassis"].rows["u1"], ["name": "a", "priority": 99])
        XCTAssertEqual(db["Gateway_Chassis"].rows["u2"]?["name"], "b")
        try db.apply(tableUpdates: ["Gateway_Chassis": ["u2": ["old": ["name": "b"]]]])
        XCTAssertNil(db["Gateway_Chassis"].rows["u2"])

        let before = db
        XCTAssertThrowsError(try db.apply(tableUpdates: ["Gateway_Chassis": ["u1": ["new": ["priority": 1]],
                                                                             "u3": ["new": 7]]]))
        XCTAssertEqual(db, before)
        XCTAssertThrowsError(try db.apply(tableUpdates: [1]))
    }

    func testDatumHelpers() {
        XCTAssertEqual(JSONValue.array(["uuid", "abc"]).ovsdbUUID, "abc")
        XCTAssertEqual(JSONValue.array(["set", [["uuid", "a"], ["uuid", "b"]]]).ovsdbUUIDSet, ["a", "b"])
        XCTAssertEqual(JSONValue.array(["uuid", "a"]).ovsdbUUIDSet, ["a"])
        XCTAssertEqual(JSONValue.array(["set", []]).ovsdbUUIDSet, [])
        XCTAssertNil(JSONValue.array(["set", [1]]).ovsdbUUIDSet)
        XCTAssertEqual(JSONValue.array(["map", [["system-id", "node1"]]]).ovsdbStringMap, ["system-id": "node1"])
        XCTAssertEqual(OVSDBDatum.map(["b": "2", "a": "1"]), ["map", [["a", "1"], ["b", "2"]]])
    }

    func testTransactionResultsNameTheFailedOperation() throws {
        let ops: [OVSDBOperation] = [.wait("T", where: [], columns: ["c"], rows: []), .delete("T", where: [])]
        XCTAssertThrowsError(try TransactionResults.check([["error": "timed out", "details": "\"wait\" timed out"], nil],
                                                          operations: ops)) { error in
            guard case OVSDBError.transactionFailed(let failure) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.operationIndex, 0)
            XCTAssertTrue(failure.isWaitConflict)
            XCTAssertTrue((error as! OVSDBError).isWaitConflict)
        }
        XCTAssertThrowsError(try TransactionResults.check([[:], ["count": 1], ["error": "constraint violation"]],
                                                          operations: ops)) { error in
            guard case OVSDBError.transactionFailed(let failure) = error else { return XCTFail("\(error)") }
            XCTAssertNil(failure.operationIndex)
            XCTAssertEqual(failure.error, "constraint violation")
        }
        let results = try TransactionResults.check([["rows": [["name": "x"]]], ["count": 2]], operations: ops)
        XCTAssertEqual(results[0].rows?.first?["name"], "x")
        XCTAssertEqual(results[1].count, 2)
        XCTAssertThrowsError(try TransactionResults.check([["count": 1]], operations: ops))
        XCTAssertThrowsError(try TransactionResults.check("nope", operations: ops))
    }
}
