import ConvNetAutograd
import ConvNetIO
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

// Shared by ResNetTests, DenseNetTests and GoogLeNetTests: reading the files written by
// Fixtures/make_resnet_densenet_googlenet_references.py and the deterministic weight formula
// that script also uses.

enum ReferenceFixtures {
  static func url(_ family: String, _ name: String, _ fileExtension: String) throws -> URL {
    try XCTUnwrap(
      Bundle.module.url(
        forResource: name, withExtension: fileExtension, subdirectory: "Fixtures/\(family)"),
      "missing fixture Fixtures/\(family)/\(name).\(fileExtension)")
  }

  /// The "key [shape]" lines of a full-size model's PyTorch state dict, in order.
  static func pytorchKeys(_ family: String, _ architecture: String) throws -> [String] {
    let text = try String(contentsOf: url(family, "keys_\(architecture)", "txt"), encoding: .utf8)
    return text.split(separator: "\n").map(String.init)
  }

  /// A small PyTorch model's weights (keys without the "model." prefix), input and output.
  static func reference(_ family: String, _ name: String) throws
    -> (weights: [String: Tensor], input: Tensor, output: Tensor)
  {
    let tensors = try readStateDict(from: url(family, name, "safetensors"))
    var weights: [String: Tensor] = [:]
    for (key, value) in tensors where key.hasPrefix("model.") {
      weights[String(key.dropFirst("model.".count))] = value
    }
    return (weights, try XCTUnwrap(tensors["input"]), try XCTUnwrap(tensors["output"]))
  }

  /// The eval-mode outputs of full-size models filled by `fillWithFormula`.
  static func formulaOutputs(_ family: String) throws -> [String: Tensor] {
    try readStateDict(from: url(family, "formula_outputs", "safetensors"))
  }
}

/// Our state dict as "key [shape]" lines, the format of the key fixtures.
func stateDictLines(_ model: any Module) -> [String] {
  model.stateDict().map { "\($0.name) \($0.value.shape)" }
}

/// Asserts that `model` has exactly the keys and shapes, in order, of the PyTorch model.
func assertStateDictMatches(
  _ model: any Module, family: String, architecture: String,
  file: StaticString = #filePath, line: UInt = #line
) throws {
  let expected = try ReferenceFixtures.pytorchKeys(family, architecture)
  let actual = stateDictLines(model)
  XCTAssertEqual(actual.count, expected.count, "\(architecture): key count", file: file, line: line)
  if let index = (0..<min(actual.count, expected.count)).first(where: { actual[$0] != expected[$0] }
  ) {
    XCTFail(
      "\(architecture): entry \(index) is \"\(actual[index])\", PyTorch has \"\(expected[index])\"",
      file: file, line: line)
  }
}

/// Runs `model` in eval mode and compares with PyTorch's output, allowing 1e-4 of the largest
/// reference magnitude.
func assertMatchesReference(
  _ model: any Module, weights: [String: Tensor], input: Tensor, output: Tensor,
  _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) throws {
  try model.loadStateDict(weights)
  model.eval()
  let actual = withoutGradients { model(Variable(input)) }.value
  assertCloseToScale(actual, output, message, file: file, line: line)
}

/// |actual − expected| ≤ 1e-4 · max|expected| everywhere.
func assertCloseToScale(
  _ actual: Tensor, _ expected: Tensor, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let scale = expected.scalars.reduce(0) { max($0, abs($1)) }
  XCTAssertGreaterThan(scale, 0, "reference output is all zeros \(message)", file: file, line: line)
  assertClose(
    actual, expected, absoluteTolerance: 1e-4 * scale, relativeTolerance: 0, message,
    file: file, line: line)
}

/// A phase in [0, 10.3) from the key's bytes (the script's `key_phase`).
private func keyPhase(_ key: String) -> Double {
  let weightedSum = key.utf8.enumerated().reduce(0) { $0 + ($1.offset + 1) * Int($1.element) }
  return Double(weightedSum % 997) / 97.0
}

/// Fills every parameter and buffer (except `num_batches_tracked`) with the script's
/// `formula_fill`: fan-in-scaled sine waves for weights, waves around 1 for batch-norm scales
/// and variances, small waves for biases and means.
func fillWithFormula(_ model: any Module) {
  func values(_ key: String, _ shape: [Int]) -> Tensor {
    let count = Tensor.elementCount(of: shape)
    let phase = keyPhase(key)
    let wave = (0..<count).map { sin(0.61 * Double($0) + phase) }
    let data: [Double]
    if key.hasSuffix("running_var") {
      data = wave.map { 1 + 0.25 * $0 }
    } else if key.hasSuffix("running_mean") || key.hasSuffix("bias") {
      data = wave.map { 0.1 * $0 }
    } else if shape.count == 1 {
      data = wave.map { 1 + 0.2 * $0 }
    } else {
      let scale = (3 / Double(count / shape[0])).squareRoot()
      data = wave.map { scale * $0 }
    }
    return Tensor(shape: shape, scalars: data.map { Float($0) })
  }
  for (key, parameter) in model.namedParameters() {
    parameter.value = values(key, parameter.shape)
  }
  for (key, buffer) in model.namedBuffers() where !key.hasSuffix("num_batches_tracked") {
    buffer.value = values(key, buffer.value.shape)
  }
}

/// The script's `formula_input`: sin(0.37·i) in row-major order.
func formulaInput(_ shape: [Int]) -> Tensor {
  Tensor(
    shape: shape,
    scalars: (0..<Tensor.elementCount(of: shape)).map { Float(sin(0.37 * Double($0))) })
}

/// Fills `model` by formula and compares its eval-mode output on the formula input
/// (1×3×64×64) with PyTorch's.
func assertFormulaOutputMatches(
  _ model: any Module, family: String, name: String,
  file: StaticString = #filePath, line: UInt = #line
) throws {
  let expected = try XCTUnwrap(try ReferenceFixtures.formulaOutputs(family)[name], name)
  fillWithFormula(model)
  model.eval()
  let actual = withoutGradients { model(Variable(formulaInput([1, 3, 64, 64]))) }.value
  assertCloseToScale(actual, expected, name, file: file, line: line)
}
