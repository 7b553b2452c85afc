import Foundation
import XCTest
@testable import StatusProtocol

final class StatusFormatterTests: XCTestCase {
    func testTableShowsEveryVIPField() {
        let table = StatusFormatter.table(Fixtures.fullDocument())
        let lines = table.split(separator: "\n").map(String.init)
        let header = lines.first { $0.hasPrefix("VIP ") }
        XCTAssertNotNil(header)
        for column in ["VIP", "STATE", "INTERFACE", "MASTER", "PRIORITY", "HEALTH", "SINCE"] {
            XCTAssertTrue(header?.contains(column) ?? false, column)
        }
        let api = lines.first { $0.hasPrefix("api ") } ?? ""
        for field in ["10.77.0.100/24", "MASTER", "eno1", "m1 (10.77.0.11)", "150", "healthy",
                      "2026-11-22T18:00:00Z", "no advert for 326ms"] {
            XCTAssertTrue(api.contains(field), "api row lacks \(field): \(api)")
        }
        let ingress = lines.first { $0.hasPrefix("ingress ") } ?? ""
        for field in ["BACKUP", "eno2 (configured auto)", "m2 (10.77.0.12)", "90 (configured 100)", "unhealthy"] {
            XCTAssertTrue(ingress.contains(field), "ingress row lacks \(field): \(ingress)")
        }
        XCTAssertTrue(table.contains("auto: eno2 holds 10.77.0.12/24 in the VIP's subnet"))
    }

    func testTableColumnsAlign() {
        let lines = StatusFormatter.table(Fixtures.fullDocument()).split(separator: "\n").map(String.init)
        let header = lines.first { $0.hasPrefix("VIP ") }!
        let stateColumn = header.range(of: "STATE")!.lowerBound.utf16Offset(in: header)
        for row in lines where row.hasPrefix("api ") || row.hasPrefix("ingress ") {
            let index = row.index(row.startIndex, offsetBy: stateColumn)
            XCTAssertTrue(row[index...].hasPrefix("MASTER") || row[index...].hasPrefix("BACKUP"), row)
        }
    }

    func testTableHasChecksPeersCountersAndGateway() {
        let table = StatusFormatter.table(Fixtures.fullDocument())
        for text in ["CHECK", "apiserver", "200 OK", "PEER", "10.77.0.12", "m2", "never",
                     "COUNTERS", "adverts sent: 10", "auth failures: 1", "transitions: 4",
                     "DROPS", "wrongRouterId: 7", "GATEWAY routerId 60", "chassis-m1", "connected"] {
            XCTAssertTrue(table.contains(text), text)
        }
    }

    func testGatewayShowsEveryRouterPort() throws {
        let lines = StatusFormatter.table(Fixtures.fullDocument()).split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  ROUTER PORT") }, lines.joined(separator: "\n"))
        XCTAssertEqual(lines[header].split(separator: " ", omittingEmptySubsequences: true).prefix(3),
                       ["ROUTER", "PORT", "ACTIVE"])
        let first = lines[header + 1]
        XCTAssertTrue(first.hasPrefix("  ovn-cluster-external  chassis-m1"), first)
        XCTAssertTrue(first.contains("chassis-m1 150"), first)
        XCTAssertTrue(first.contains("2026-11-22T18:00:01Z ok"), first)
        let second = lines[header + 2]
        XCTAssertTrue(second.hasPrefix("  shalb-demo-ext-cloud  -"), second)
        XCTAssertTrue(second.hasSuffix("not found"), second)

        // The port's result without the order it repeats; a failure in full.
        var doc = Fixtures.fullDocument()
        doc.gateway?.ports[0].lastWriteResult = "ok: chassis-m1 > chassis-m2"
        doc.gateway?.ports[1].lastWrite = "2026-11-22T18:00:02Z"
        doc.gateway?.ports[1].lastWriteResult = "failed: timed out"
        let table = StatusFormatter.table(doc)
        XCTAssertTrue(table.contains("2026-11-22T18:00:01Z ok  "), table)
        XCTAssertFalse(table.contains("ok: chassis-m1 > chassis-m2"), table)
        XCTAssertTrue(table.contains("2026-11-22T18:00:02Z failed: timed out"), table)
    }

    func testControlCharactersCannotBreakTheTable() {
        var doc = Fixtures.fullDocument()
        doc.vips[0].reason = "evil\n\u{1B}[2Jreason"
        let table = StatusFormatter.table(doc)
        XCTAssertFalse(table.contains("\u{1B}"))
        XCTAssertTrue(table.split(separator: "\n").contains { $0.hasPrefix("api ") && $0.contains("evil") })
    }

    func testAgesWithNow() {
        let now = parseIsoTimestamp("2026-11-22T18:05:30Z")!
        let table = StatusFormatter.table(Fixtures.fullDocument(), now: now)
        XCTAssertTrue(table.contains("2026-11-22T18:00:00Z (5m ago)"), table)
        XCTAssertEqual(StatusFormatter.age(0), "just now")
        XCTAssertEqual(StatusFormatter.age(3725), "1h2m ago")
        XCTAssertEqual(StatusFormatter.age(-30), "in the future")
        XCTAssertEqual(StatusFormatter.age(.infinity), "unknown")
    }

    func testEmptyDocument() {
        let table = StatusFormatter.table(StatusDocument(node: "m1", version: "0"))
        XCTAssertTrue(table.contains("no VIPs configured"))
        XCTAssertTrue(table.contains("COUNTERS"))
    }

    func testHistory() {
        XCTAssertEqual(StatusFormatter.history([]), "no transitions recorded\n")
        let text = StatusFormatter.history([
            HistoryEntry(time: "2026-11-22T18:00:00Z", vip: "api", from: "BACKUP", to: "MASTER",
                         reason: "no advert for 326ms"),
            HistoryEntry(time: "2026-11-22T18:10:00Z", vip: "api", from: "MASTER", to: "BACKUP",
                         reason: "step-down requested"),
        ])
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("TIME"))
        for column in ["VIP", "FROM", "TO", "REASON"] { XCTAssertTrue(lines[0].contains(column)) }
        XCTAssertTrue(lines[1].contains("BACKUP") && lines[1].contains("MASTER") && lines[1].contains("326ms"))
        XCTAssertTrue(lines[2].contains("step-down requested"))
    }
}
