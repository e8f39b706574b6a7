import ConvNetAutograd
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// Checks against the fixtures written by `Fixtures/make_alexnet_vgg_mobilenet_references.py`.
enum TorchReference {
  static func url(_ name: String, _ fileExtension: String, folder: String) throws -> URL {
    let url = Bundle.module.url(
      forResource: name, withExtension: fileExtension, subdirectory: "Fixtures/\(folder)")
    return try XCTUnwrap(url, "missing fixture Fixtures/\(folder)/\(name).\(fileExtension)")
  }

  /// Compares the module's state-dict keys and shapes, in order, and its parameter count with
  /// `<arch>.keys.txt` (torchvision's / timm's state_dict, listed by the script).
  static func assertKeysMatch(
    _ model: any Module, arch: String, folder: String, file: StaticString = #filePath,
    line: UInt = #line
  ) throws {
    let text = try String(contentsOf: url("\(arch).keys", "txt", folder: folder), encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst()
    XCTAssertEqual(header, "# parameters \(model.parameterCount)", arch, file: file, line: line)
    let expected = lines.map { line -> String in
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      return "\(parts[0]) \(parts.count > 1 ? String(parts[1]) : "")"
    }
    let actual = model.stateDict().map {
      "\($0.name) \($0.value.shape.map(String.init).joined(separator: ","))"
    }
    XCTAssertEqual(
      actual.count, expected.count, "\(arch): number of state-dict entries", file: file, line: line)
    for (index, (mine, theirs)) in zip(actual, expected).enumerated() where mine != theirs {
      XCTFail("\(arch) entry \(index): \(mine) ≠ PyTorch \(theirs)", file: file, line: line)
      return
    }
  }

  /// Loads `<name>.safetensors` into `model` (strictly), runs it in eval mode on the stored
  /// input and compares with the stored PyTorch output: |difference| ≤ 1e-4 · max |logit|.
  /// Returns the largest difference found.
  @discardableResult
  static func assertOutputMatches(
    _ model: any Module, name: String, folder: String, file: StaticString = #filePath,
    line: UInt = #line
  ) throws -> Float {
    try model.loadStateDict(readStateDict(from: url(name, "safetensors", folder: folder)))
    let io = try readStateDict(from: url("\(name).io", "safetensors", folder: folder))
    let input = try XCTUnwrap(io["input"])
    let expected = try XCTUnwrap(io["output"])
    model.eval()
    let output = withoutGradients { model(Variable(input)) }.value
    let scale = max(abs(expected.max()), abs(expected.min()))
    assertClose(
      output, expected, absoluteTolerance: 1e-4 * scale, relativeTolerance: 0, name, file: file,
      line: line)
    return zip(output.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
  }
}

/// The catalogue's `classifierPrefix` names the final layer: `<prefix>.weight` exists and its
/// first dimension is the class count (what the CLI reads and transfer learning replaces).
func assertClassifierPrefix(
  _ architecture: Architecture, _ model: any Module, classCount: Int,
  file: StaticString = #filePath, line: UInt = #line
) {
  let weight = model.stateDict().first { $0.name == architecture.classifierPrefix + ".weight" }
  XCTAssertEqual(weight?.value.shape.first, classCount, architecture.name, file: file, line: line)
}
