import StatusProtocol
import XCTest
@testable import GatewayFailover

final class GatewayPlanTests: XCTestCase {
    /// Rows exactly as kube-ovn-controller creates them: `<lrp>-<chassis>`, priority 100 - index.
    func controllerRows(_ chassis: [String]) -> [GatewayChassisRow] {
        chassis.enumerated().map { index, name in
            GatewayChassisRow(uuid: "uuid-\(name)", name: "ovn-cluster-external-\(name)", chassisName: name,
                              priority: 100 - index)
        }
    }

    func members(_ names: [String], unhealthy: Set<String> = []) -> [GatewayMember] {
        names.map { GatewayMember(node: "node-\($0)", chassis: $0, healthy: !unhealthy.contains($0)) }
    }

    func priorities(_ plan: GatewayPlan, _ rows: [GatewayChassisRow]) -> [String: Int] {
        var result = Dictionary(uniqueKeysWithValues: rows.map { ($0.chassisName, $0.priority) })
        for change in plan.changes { result[change.row.chassisName] = change.priority }
        return result
    }

    func testMasterOnTopOthersInMeritOrderWithinTheControllersRange() {
        let rows = controllerRows(["a", "b", "c"])
        let plan = GatewayPlan(masterChassis: "c", ranking: members(["c", "a", "b"]), rows: rows)
        XCTAssertEqual(plan.order, ["c", "a", "b"])
        XCTAssertEqual(plan.currentOrder, ["a", "b", "c"])
        XCTAssertTrue(plan.needsWrite)
        XCTAssertEqual(priorities(plan, rows), ["c": 100, "a": 99, "b": 98])
        XCTAssertTrue(plan.membersWithoutRow.isEmpty)
    }

    func testNoWriteWhenTheOrderAlreadyMatchesWhateverTheNumbers() {
        let rows = [GatewayChassisRow(uuid: "1", name: "x-a", chassisName: "a", priority: 7),
                    GatewayChassisRow(uuid: "2", name: "x-b", chassisName: "b", priority: 300),
                    GatewayChassisRow(uuid: "3", name: "x-c", chassisName: "c", priority: 5)]
        let plan = GatewayPlan(masterChassis: "b", ranking: members(["b", "a", "c"]), rows: rows)
        XCTAssertEqual(plan.order, ["b", "a", "c"])
        XCTAssertFalse(plan.needsWrite)
        XCTAssertEqual(plan.changes, [])
    }

    func testOnlyRowsThatDifferAreRewritten() {
        let rows = controllerRows(["a", "b", "c"])
        let plan = GatewayPlan(masterChassis: "a", ranking: members(["a", "c", "b"]), rows: rows)
        XCTAssertEqual(plan.changes.map(\.row.chassisName).sorted(), ["b", "c"])
        XCTAssertEqual(priorities(plan, rows), ["a": 100, "c": 99, "b": 98])
    }

    func testUnhealthyMembersGoBelowHealthyOnes() {
        let rows = controllerRows(["a", "b", "c"])
        let plan = GatewayPlan(masterChassis: "c", ranking: members(["c", "a", "b"], unhealthy: ["a"]), rows: rows)
        XCTAssertEqual(plan.order, ["c", "b", "a"])
    }

    func testMembersWithoutRowAreReportedAndRowsOfStrangersKeepTheirPlaceBelow() {
        let rows = controllerRows(["x", "a", "b"])
        var ranking = members(["b", "a", "d"])
        ranking.append(GatewayMember(node: "node-e"))
        let plan = GatewayPlan(masterChassis: "b", ranking: ranking, rows: rows)
        XCTAssertEqual(plan.order, ["b", "a", "x"])
        XCTAssertEqual(plan.membersWithoutRow, ["d", "node-e"])
        XCTAssertEqual(priorities(plan, rows), ["b": 100, "a": 99, "x": 98])
    }

    func testMasterWithoutRowLeavesTheOthersInMeritOrder() {
        let rows = controllerRows(["a", "b"])
        let plan = GatewayPlan(masterChassis: "z", ranking: members(["z", "b", "a"]), rows: rows)
        XCTAssertEqual(plan.order, ["b", "a"])
        XCTAssertEqual(plan.membersWithoutRow, ["z"])
    }

    func testTiedPrioritiesAreSeparatedEvenWhenTheNominalOrderMatches() {
        let rows = [GatewayChassisRow(uuid: "1", name: "p-a", chassisName: "a", priority: 100),
                    GatewayChassisRow(uuid: "2", name: "p-b", chassisName: "b", priority: 100)]
        let plan = GatewayPlan(masterChassis: "a", ranking: members(["a", "b"]), rows: rows)
        XCTAssertTrue(plan.needsWrite)
        XCTAssertEqual(priorities(plan, rows), ["a": 100, "b": 99])
    }

    func testLowCeilingNeverGoesNegativeAndHighOneIsClamped() {
        let low = [GatewayChassisRow(uuid: "1", name: "p-a", chassisName: "a", priority: 0),
                   GatewayChassisRow(uuid: "2", name: "p-b", chassisName: "b", priority: 0),
                   GatewayChassisRow(uuid: "3", name: "p-c", chassisName: "c", priority: 1)]
        let plan = GatewayPlan(masterChassis: "a", ranking: members(["a", "b", "c"]), rows: low)
        XCTAssertEqual(priorities(plan, low), ["a": 2, "b": 1, "c": 0])

        let high = [GatewayChassisRow(uuid: "1", name: "p-a", chassisName: "a", priority: 40000),
                    GatewayChassisRow(uuid: "2", name: "p-b", chassisName: "b", priority: 1)]
        let clamped = GatewayPlan(masterChassis: "b", ranking: members(["b", "a"]), rows: high)
        XCTAssertEqual(priorities(clamped, high), ["b": 32767, "a": 32766])
    }

    func testNoRowsNoWrite() {
        let plan = GatewayPlan(masterChassis: "a", ranking: members(["a", "b"]), rows: [])
        XCTAssertFalse(plan.needsWrite)
        XCTAssertEqual(plan.order, [])
        XCTAssertEqual(plan.membersWithoutRow, ["a", "b"])
    }

    func testEveryPermutationOfMasterAndRankingYieldsAStrictOrderWithTheMasterOnTop() {
        let chassis = ["a", "b", "c", "d"]
        let rows = controllerRows(chassis)
        for master in chassis {
            for healthyMask in 0..<16 {
                let unhealthy = Set(chassis.enumerated().filter { healthyMask & (1 << $0.offset) != 0 }.map(\.element))
                let ranking = members([master] + chassis.filter { $0 != master }.reversed(), unhealthy: unhealthy)
                let plan = GatewayPlan(masterChassis: master, ranking: ranking, rows: rows)
                let result = priorities(plan, rows)
                XCTAssertEqual(result.values.max(), 100)
                XCTAssertEqual(Set(result.values).count, chassis.count)
                XCTAssertEqual(result.sorted { $0.value > $1.value }.map(\.key), plan.order)
                XCTAssertEqual(plan.order.first, master)
                // Applying the plan reaches a fixed point: planning again writes nothing.
                let applied = rows.map { row in
                    GatewayChassisRow(uuid: row.uuid, name: row.name, chassisName: row.chassisName,
                                      priority: result[row.chassisName]!)
                }
                XCTAssertFalse(GatewayPlan(masterChassis: master, ranking: ranking, rows: applied).needsWrite)
            }
        }
    }
}
