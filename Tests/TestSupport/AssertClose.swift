import ConvNetTensor
import XCTest

/// Asserts that two tensors have the same shape and that every element satisfies
/// |a − e| ≤ absoluteTolerance + relativeTolerance · |e|. On failure it reports the shape
/// mismatch first, otherwise the largest difference and the first few differing elements.
public func assertClose(
  _ actual: Tensor, _ expected: Tensor, absoluteTolerance: Float = 1e-5,
  relativeTolerance: Float = 1e-4, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.shape == expected.shape else {
    XCTFail("shape \(actual.shape) ≠ expected \(expected.shape) \(message)", file: file, line: line)
    return
  }
  assertClose(
    actual.scalars, expected.scalars, absoluteTolerance: absoluteTolerance,
    relativeTolerance: relativeTolerance, message, file: file, line: line)
}

public func assertClose(
  _ actual: [Float], _ expected: [Float], absoluteTolerance: Float = 1e-5,
  relativeTolerance: Float = 1e-4, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail("count \(actual.count) ≠ expected \(expected.count) \(message)", file: file, line: line)
    return
  }
  var failures: [String] = []
  var maxDifference: Float = 0
  for i in actual.indices {
    let difference = abs(actual[i] - expected[i])
    let allowed = absoluteTolerance + relativeTolerance * abs(expected[i])
    if !(difference <= allowed) {
      maxDifference = max(maxDifference, difference.isNaN ? .infinity : difference)
      if failures.count < 5 { failures.append("[\(i)] \(actual[i]) vs \(expected[i])") }
    }
  }
  if !failures.isEmpty {
    XCTFail(
      "max |difference| \(maxDifference); first: \(failures.joined(separator: ", ")) \(message)",
      file: file, line: line)
  }
}
