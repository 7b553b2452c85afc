import Foundation
import XCTest
@testable import StatusProtocol

final class StatusDocumentTests: XCTestCase {
    /// Keys the agent adds beyond the contract sample; the contract allows additions only.
    private let extras: Set<String> = [
        "drops", "gateway", "vips[].interfaceReason", "vips[].healthy",
        "checks[].successes", "checks[].failures", "peers[].healthy", "peers[].sendErrors",
        "hostProblems", "conflicts",  // contract additions: empty in the sample
    ]

    func testContractSampleDecodesAndReencodesWithEveryContractKey() throws {
        let doc = try JSONDecoder().decode(StatusDocument.self, from: Data(Fixtures.contractSample.utf8))
        XCTAssertEqual(doc.node, "m1")
        XCTAssertEqual(doc.vips.first?.master, MasterRef(node: "m1", address: "10.77.0.11"))
        XCTAssertEqual(doc.vips.first?.since, "2026-11-22T18:00:00Z")
        XCTAssertEqual(doc.peers.first?.priority, 140)

        let contractKeys = try Fixtures.keyPaths(ofJSON: Fixtures.contractSample)
        let encoded = ControlCodec.prettyJSON(doc)
        let encodedKeys = try Fixtures.keyPaths(ofJSON: encoded)
        XCTAssertTrue(contractKeys.isSubset(of: encodedKeys),
                      "missing: \(contractKeys.subtracting(encodedKeys).sorted())")
        XCTAssertEqual(encodedKeys.subtracting(contractKeys), extras)
    }

    func testFullDocumentKeysAreContractPlusExtras() throws {
        let contractKeys = try Fixtures.keyPaths(ofJSON: Fixtures.contractSample)
        // "drops" is a map keyed by drop reason: its keys are data, not document fields.
        let keys = try Fixtures.keyPaths(ofJSON: ControlCodec.prettyJSON(Fixtures.fullDocument()))
            .filter { !$0.hasPrefix("drops.") }
        let gatewayKeys = keys.filter { $0.hasPrefix("gateway.") }
        XCTAssertEqual(gatewayKeys, [
            "gateway.routerId", "gateway.state", "gateway.activeChassis", "gateway.nbConnected",
            "gateway.nbDetail", "gateway.lastWrite", "gateway.lastWriteResult", "gateway.members",
            "gateway.members[].node", "gateway.members[].chassis", "gateway.members[].healthy",
            "gateway.members[].rowPriority", "gateway.ports", "gateway.ports[].name", "gateway.ports[].found",
            "gateway.ports[].activeChassis", "gateway.ports[].gatewayChassis",
            "gateway.ports[].gatewayChassis[].chassis", "gateway.ports[].gatewayChassis[].priority",
            "gateway.ports[].natAddressPorts", "gateway.ports[].lastWrite", "gateway.ports[].lastWriteResult",
            "gateway.ports[].detail",
        ])
        XCTAssertEqual(keys.subtracting(gatewayKeys), contractKeys.union(extras))
    }

    func testHostProblemsRoundTripAndShowInTheTable() throws {
        var doc = Fixtures.fullDocument()
        doc.hostProblems = [HostProblemStatus(kind: "duplicateAddress",
                                              detail: "10.77.0.11/24 is on eno1 and on br-ext-cloud: eno1 is a port of openvswitch master ovs-system; the copy on eno1 receives nothing")]
        let json = ControlCodec.prettyJSON(doc)
        XCTAssertTrue(try Fixtures.keyPaths(ofJSON: json).isSuperset(of: ["hostProblems[].kind", "hostProblems[].detail"]))
        XCTAssertEqual(try JSONDecoder().decode(StatusDocument.self, from: Data(json.utf8)).hostProblems, doc.hostProblems)
        let table = StatusFormatter.table(doc)
        XCTAssertTrue(table.contains("HOST PROBLEMS\n  duplicateAddress: 10.77.0.11/24 is on eno1 and on br-ext-cloud"), table)
        XCTAssertFalse(StatusFormatter.table(Fixtures.fullDocument()).contains("HOST PROBLEMS"))
    }

    func testAGatewayWithoutPortsFromAnOlderAgentStillDecodes() throws {
        let text = #"{"node":"m1","version":"1","gateway":{"routerId":60,"state":"MASTER","activeChassis":"c1","nbConnected":true,"nbDetail":"connected","lastWrite":null,"lastWriteResult":null,"members":[]}}"#
        let gateway = try XCTUnwrap(JSONDecoder().decode(StatusDocument.self, from: Data(text.utf8)).gateway)
        XCTAssertEqual(gateway.activeChassis, "c1")
        XCTAssertEqual(gateway.ports, [])
        XCTAssertTrue(StatusFormatter.table(StatusDocument(node: "m1", version: "1", gateway: gateway))
                        .contains("active chassis c1"))
    }

    func testUnknownOptionalsEncodeAsNullNotMissing() throws {
        var doc = Fixtures.fullDocument()
        doc.vips[0].master = nil
        let json = try JSONSerialization.jsonObject(with: Data(ControlCodec.compactJSON(doc).utf8)) as? [String: Any]
        let vip = (json?["vips"] as? [[String: Any]])?.first
        XCTAssertNotNil(vip?.keys.contains("master"))
        XCTAssertTrue(vip?["master"] is NSNull)
        let neverSeen = (json?["peers"] as? [[String: Any]])?.last
        XCTAssertTrue(neverSeen?["lastSeen"] is NSNull)
    }

    func testFullDocumentRoundTrips() throws {
        let doc = Fixtures.fullDocument()
        let decoded = try JSONDecoder().decode(StatusDocument.self, from: Data(ControlCodec.prettyJSON(doc).utf8))
        XCTAssertEqual(decoded, doc)
    }

    func testPrettyJSONIsSortedAndUsesPlainTimestamps() {
        let text = ControlCodec.prettyJSON(Fixtures.fullDocument())
        XCTAssertTrue(text.contains("\"since\" : \"2026-11-22T18:00:00Z\""))
        let top = ["\"checks\"", "\"counters\"", "\"drops\"", "\"gateway\"", "\"node\"", "\"peers\"",
                   "\"version\"", "\"vips\""].compactMap { text.range(of: "\n  \($0)")?.lowerBound }
        XCTAssertEqual(top.count, 8)
        XCTAssertEqual(top, top.sorted())
    }

    func testMissingRequiredFieldFailsWithoutCrashing() {
        let text = #"{"version":"1","vips":[]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(StatusDocument.self, from: Data(text.utf8)))
    }
}
