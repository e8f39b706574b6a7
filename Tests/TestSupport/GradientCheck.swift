import ConvNetAutograd
import ConvNetTensor
import XCTest

/// Finite-difference gradient check (central differences).
///
/// `function` maps input variables to an output of any shape; the scalar checked is
/// L = Σ r ⊙ output for a fixed random r, so every output element contributes. The analytic
/// gradient comes from `backward(gradient: r)`; the numeric one from (L(x+h) − L(x−h)) / 2h at
/// up to `samples` indices per input. Float32 arithmetic limits the agreement to ~1e-3, so the
/// tolerances are loose; inputs should avoid kinks (ReLU at 0, max-pool ties).
public func checkGradients(
  _ inputs: [Tensor], step: Float = 1e-2, samples: Int = 24, tolerance: Float = 2e-2,
  seed: UInt64 = 1, _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
  _ function: ([Variable]) -> Variable
) {
  var generator = SeededGenerator(seed: seed)
  let variables = inputs.map { Variable($0, requiresGrad: true) }
  let output = function(variables)
  let projection = Tensor.randomUniform(output.shape, low: -1, high: 1, using: &generator)
  output.backward(gradient: projection)

  func projected(_ values: [Tensor]) -> Double {
    let result = withoutGradients { function(values.map { Variable($0) }) }.value
    var total = 0.0
    for i in 0..<result.count {
      total += Double(result.storage.pointer[i]) * Double(projection.storage.pointer[i])
    }
    return total
  }

  for (which, input) in inputs.enumerated() {
    guard let analytic = variables[which].grad else {
      XCTFail("input \(which) received no gradient \(message)", file: file, line: line)
      continue
    }
    XCTAssertEqual(analytic.shape, input.shape, "gradient shape \(message)", file: file, line: line)
    let indices =
      input.count <= samples
      ? Array(0..<input.count) : (0..<samples).map { _ in Int.random(in: 0..<input.count, using: &generator) }
    for index in indices {
      var plus = inputs
      var minus = inputs
      plus[which].withUnsafeMutableBufferPointer { $0[index] += step }
      minus[which].withUnsafeMutableBufferPointer { $0[index] -= step }
      let numeric = Float((projected(plus) - projected(minus)) / (2 * Double(step)))
      let exact = analytic.scalars[index]
      let allowed = tolerance * max(1, abs(numeric))
      XCTAssert(
        abs(numeric - exact) <= allowed,
        "input \(which)[\(index)]: analytic \(exact) vs numeric \(numeric) \(message)",
        file: file, line: line)
    }
  }
}

/// Random values bounded away from zero, so that kinks at 0 are not straddled by ±step.
public func randomAwayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  return Tensor.randomUniform(shape, low: 0.1, high: 1, using: &generator).map { v in
    generator.nextUnitFloat() < 0.5 ? -v : v
  }
}

/// Uniform values in [−scale, scale), reproducible from `seed`.
public func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  return Tensor.randomUniform(shape, low: -scale, high: scale, using: &generator)
}
