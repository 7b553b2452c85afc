import Foundation
import XCTest
@testable import StatusProtocol

final class ControlCodecTests: XCTestCase {
    private func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    func testRequestsRoundTripAsOneLine() throws {
        let requests: [ControlRequest] = [.status, .history, .watch, .stepDown(vip: nil), .stepDown(vip: "api")]
        for request in requests {
            let line = ControlCodec.encode(request)
            XCTAssertEqual(line.last, UInt8(ascii: "\n"))
            XCTAssertEqual(line.filter { $0 == UInt8(ascii: "\n") }.count, 1)
            XCTAssertEqual(try ControlCodec.decodeRequest(line), request)
        }
        XCTAssertEqual(text(ControlCodec.encode(.stepDown(vip: "api"))),
                       #"{"command":"stepDown","version":1,"vip":"api"}"# + "\n")
        XCTAssertEqual(try ControlCodec.decodeRequest(#"{"version":1,"command":"status"}"#), .status)
    }

    func testResponsesRoundTrip() throws {
        let responses: [ControlResponse] = [
            .status(Fixtures.fullDocument()),
            .history([HistoryEntry(time: "2026-11-22T18:00:00Z", vip: "api", from: "BACKUP", to: "MASTER",
                                   reason: "no advert for 326ms")]),
            .history([]),
            .message("api: stepped down\nnext line"),
            .error("unknown VIP \"x\""),
        ]
        for response in responses {
            let line = ControlCodec.encode(response)
            XCTAssertEqual(line.filter { $0 == UInt8(ascii: "\n") }.count, 1, "embedded newline escaped")
            XCTAssertEqual(try ControlCodec.decodeResponse(line), response)
        }
        XCTAssertEqual(text(ControlCodec.encode(.error("boom"))), #"{"error":"boom","ok":false,"version":1}"# + "\n")
        XCTAssertEqual(text(ControlCodec.encode(.message("done"))), #"{"message":"done","ok":true,"version":1}"# + "\n")
    }

    func testWrongVersionIsAClearError() {
        XCTAssertThrowsError(try ControlCodec.decodeRequest(#"{"version":2,"command":"status"}"#)) { error in
            XCTAssertEqual(error as? ControlCodecError, .unsupportedVersion(2))
            XCTAssertTrue("\(error)".contains("version mismatch"))
            XCTAssertTrue("\(error)".contains("2"))
        }
        // Even when the rest of the message has a shape we do not know.
        XCTAssertThrowsError(try ControlCodec.decodeResponse(#"{"version":7,"result":{"x":1}}"#)) { error in
            XCTAssertEqual(error as? ControlCodecError, .unsupportedVersion(7))
        }
    }

    func testGarbageIsRejectedWithReasons() {
        let cases: [(String, ControlCodecError)] = [
            ("", .empty),
            ("   \n", .empty),
            ("hello", .malformed("not valid JSON")),
            ("[1,2,3]", .malformed("not a JSON object")),
            ("{}", .malformed("missing \"version\"")),
            (#"{"version":"1","command":"status"}"#, .malformed("\"version\" must be an integer")),
            (#"{"version":1}"#, .malformed("missing \"command\"")),
            (#"{"version":1,"command":42}"#, .malformed("wrong type at command")),
            (#"{"version":1,"command":"frobnicate"}"#, .unknownCommand("frobnicate")),
            (#"{"version":1,"command":"stepDown","vip":5}"#, .malformed("wrong type at vip")),
            (String(repeating: "[", count: 10_000), .malformed("not valid JSON")),
        ]
        for (line, expected) in cases {
            XCTAssertThrowsError(try ControlCodec.decodeRequest(line), line) { error in
                XCTAssertEqual(error as? ControlCodecError, expected, line)
            }
        }
        XCTAssertThrowsError(try ControlCodec.decodeRequest(Data([0x7B, 0xFF, 0xFE, 0x7D]))) { error in
            XCTAssertEqual(error as? ControlCodecError, .notUTF8)
        }
    }

    func testOversizedRequestIsRejected() {
        let padding = String(repeating: "x", count: ControlCodec.maxRequestLineBytes)
        let line = #"{"version":1,"command":"status","pad":""# + padding + #""}"#
        XCTAssertThrowsError(try ControlCodec.decodeRequest(line)) { error in
            XCTAssertEqual(error as? ControlCodecError, .oversized(limit: ControlCodec.maxRequestLineBytes))
        }
        // Unknown extra fields below the limit are fine (forward compatibility).
        XCTAssertEqual(try ControlCodec.decodeRequest(#"{"version":1,"command":"watch","pad":"x"}"#), .watch)
    }

    func testRandomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]":,01 versioncommandstatus\-"#.utf8) + [0, 0xFF, 0x0A]
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? ControlCodec.decodeRequest(Data(bytes))
            _ = try? ControlCodec.decodeResponse(Data(bytes))
        }
    }

    func testSuccessResponseWithoutPayloadIsMalformed() {
        XCTAssertThrowsError(try ControlCodec.decodeResponse(#"{"version":1,"ok":true}"#))
        XCTAssertEqual(try ControlCodec.decodeResponse(#"{"version":1,"ok":false}"#), .error("unspecified error"))
    }
}
