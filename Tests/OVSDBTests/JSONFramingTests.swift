import XCTest
@testable import OVSDB

final class JSONFramingTests: XCTestCase {
    func testSplitterCutsObjectsAcrossChunksAndIgnoresBracesInStrings() throws {
        var splitter = JSONObjectSplitter()
        let stream = #"{"id":1,"result":"a}{\"b"} {"method":"echo","params":[],"id":"x"}"#
        let bytes = Array(stream.utf8)
        var objects: [String] = []
        for chunk in stride(from: 0, to: bytes.count, by: 7).map({ bytes[$0..<min($0 + 7, bytes.count)] }) {
            splitter.append(chunk)
            while let object = try splitter.next() { objects.append(String(decoding: object, as: UTF8.self)) }
        }
        XCTAssertEqual(objects, [#"{"id":1,"result":"a}{\"b"}"#, #"{"method":"echo","params":[],"id":"x"}"#])
        XCTAssertEqual(try JSONParser.parse(objects[0])["result"], .string("a}{\"b"))
        XCTAssertEqual(splitter.bufferedByteCount, 0)
    }

    func testSplitterRejectsGarbageBetweenObjectsAndOversizedMessages() {
        var splitter = JSONObjectSplitter()
        splitter.append(Array("{} x".utf8))
        XCTAssertNotNil(try splitter.next())
        XCTAssertThrowsError(try splitter.next())

        var small = JSONObjectSplitter(maxMessageSize: 16)
        small.append(Array(#"{"key":"0123456789abcdef"#.utf8))
        XCTAssertThrowsError(try small.next())
    }

    func testParserKeepsIntegersAndRealsApartAndRejectsHostileInput() throws {
        XCTAssertEqual(try JSONParser.parse("[1, 1.5, -0, true, null, \"\\u00e9\\ud83d\\ude00\"]"),
                       .array([.int(1), .double(1.5), .int(0), .bool(true), .null, .string("é😀")]))
        for bad in ["{", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "01", "1 2", "\"a\u{01}\"",
                    String(repeating: "[", count: 10_000)] {
            XCTAssertThrowsError(try JSONParser.parse(bad), "accepted \(bad.prefix(20))")
        }
    }

    func testWriterRoundTrips() throws {
        let value: JSONValue = ["b": [1, 2.5, "x\"\n\u{01}"], "a": nil, "c": ["d": true]]
        let text = JSONWriter.string(value)
        XCTAssertEqual(text, #"{"a":null,"b":[1,2.5,"x\"\n\u0001"],"c":{"d":true}}"#)
        XCTAssertEqual(try JSONParser.parse(text), value)
    }

    func testJSONRPCMessageKinds() throws {
        XCTAssertEqual(try JSONRPCMessage(["method": "echo", "params": [], "id": "e1"]),
                       .request(method: "echo", params: [], id: "e1"))
        XCTAssertEqual(try JSONRPCMessage(["method": "update", "params": [1], "id": nil]),
                       .notification(method: "update", params: [1]))
        XCTAssertEqual(try JSONRPCMessage(["id": 3, "result": [], "error": nil]),
                       .response(id: 3, result: [], error: nil))
        XCTAssertThrowsError(try JSONRPCMessage(["id": 3]))
        XCTAssertThrowsError(try JSONRPCMessage([1, 2]))
        XCTAssertThrowsError(try JSONRPCMessage(["method": 5, "id": 1]))
    }
}
