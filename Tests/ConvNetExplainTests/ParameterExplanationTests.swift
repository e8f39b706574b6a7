import ConvNetExplain
import XCTest

final class ParameterExplanationTests: XCTestCase {
  /// LeNet-5 (28×28, padding 2): C1 (5·5·1+1)·6 = 156, C3 (5·5·6+1)·16 = 2,416, then
  /// (400+1)·120 = 48,120, (120+1)·84 = 10,164, (84+1)·10 = 850: 61,706 in all.
  func testLeNet5() throws {
    let e = try ParameterExplanation(architecture: "lenet5")
    XCTAssertEqual(e.layers.map(\.parameterCount), [156, 2416, 48120, 10164, 850])
    XCTAssertEqual(e.totalParameters, 61_706)
    XCTAssertEqual(e.layers[0].formula, "(5·5·1+1)·6 = 156")
    XCTAssertEqual(e.layers[1].formula, "(5·5·6+1)·16 = 2416")
    // Weight sharing: C1's 156 parameters at 28·28 positions.
    XCTAssertEqual(e.layers[0].positions, 784)
    XCTAssertEqual(e.layers[0].connections, 122_304)
    XCTAssertNil(e.layers[2].connections)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("total: 61,706 parameters"), text)
    XCTAssertTrue(text.contains("= 156 + 2,416 + 48,120 + 10,164 + 850"), text)
  }

  /// LeNet-5 of 1998: C3's connection table gives 6·(3·25+1) + 9·(4·25+1) + 1·(6·25+1) = 1,516
  /// parameters and 151,600 connections (LeCun et al. 1998, section II.B), against 2,416 for a
  /// full 6 → 16 convolution; C1 has 122,304 connections as the paper says.
  func testLeNet1998ConnectionTable() throws {
    let e = try ParameterExplanation(architecture: "lenet5-1998")
    let c3 = try XCTUnwrap(e.layers.first { $0.name == "c3" })
    XCTAssertEqual(c3.parameterCount, 1516)
    XCTAssertEqual(c3.connections, 151_600)
    XCTAssertEqual(e.layers.first { $0.name == "c1" }?.connections, 122_304)
    XCTAssertEqual(e.totalParameters, 60_850)
    let table = try XCTUnwrap(e.connectionTables.first)
    XCTAssertEqual(table.name, "c3")
    XCTAssertEqual(table.table.count, 16)
    XCTAssertEqual(table.table.map(\.count).reduce(0, +), 60)  // 6·3 + 9·4 + 6
    XCTAssertEqual(table.fullyConnectedCount, 2416)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("6·(3·25+1) + 9·(4·25+1) + 1·(6·25+1) = 1516"), text)
    // Row 0 of Table I: input map 0 feeds output maps 0, 4, 5, 6, 9, 10, 11, 12, 14, 15.
    XCTAssertTrue(text.contains(" 0   X  ·  ·  ·  X  X  X  ·  ·  X  X  X  X  ·  X  X"), text)
  }

  func testUnknownArchitecture() {
    XCTAssertThrowsError(try ParameterExplanation(architecture: "lenet6")) {
      XCTAssertEqual(($0 as? ExplainError)?.field, .architecture)
      XCTAssertTrue("\($0)".contains("lenet5"))
    }
  }
}
