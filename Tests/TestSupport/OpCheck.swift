import ConvNetAutograd
import ConvNetTensor
import XCTest

/// What an op's forward must give: its plain reference twin wrapped as a tensor function, or,
/// for an op without a twin, a formula per element.
public struct OpReference {
  /// Maps the op's inputs (the same tensors the op receives as variables) to its output.
  public let evaluate: ([Tensor]) -> Tensor

  public init(_ evaluate: @escaping ([Tensor]) -> Tensor) {
    self.evaluate = evaluate
  }

  /// y[i] = formula(x[i]) for an op of one input.
  public static func elementwise(_ formula: @escaping (Float) -> Float) -> OpReference {
    OpReference { inputs in inputs[0].map(formula) }
  }

  /// y[i] = formula(a[i], b[i]) for an op of two inputs of the same shape.
  public static func pairwise(_ formula: @escaping (Float, Float) -> Float) -> OpReference {
    OpReference { inputs in
      precondition(inputs[0].shape == inputs[1].shape, "OpReference.pairwise: shapes differ")
      return Tensor.zipWith(inputs[0], inputs[1], formula)
    }
  }
}

/// Settings of the central finite-difference check (see `checkGradients`).
public struct FiniteDifferences: Sendable {
  public var step: Float
  /// Indices checked per input (all of them when the input is smaller).
  public var samples: Int
  /// Allowed |analytic − numeric| relative to max(1, |numeric|).
  public var tolerance: Float
  /// Seeds the projection of the output to a scalar and the choice of indices.
  public var seed: UInt64

  public init(step: Float = 1e-2, samples: Int = 24, tolerance: Float = 2e-2, seed: UInt64 = 1) {
    self.step = step
    self.samples = samples
    self.tolerance = tolerance
    self.seed = seed
  }
}

/// Checks one op in one call — the shared harness every op's test uses:
///
/// 1. **forward vs reference** (when `op` and `reference` are given): `op` on `inputs`, both
///    while recording gradients and under `withoutGradients`, equals `reference` on the same
///    tensors within `forwardTolerance`;
/// 2. **backward vs finite differences** (when `op` is given and `gradients` is not nil):
///    `checkGradients(inputs, …, op)` — every input is differentiated;
/// 3. **fast kernel vs reference twin** for every pass in `kernels` (the forward and each
///    backward pass), with outputs that start as NaN (`checkKernelPass`), within
///    `kernelTolerance`.
///
/// Each part is optional, so a kernel test passes only `kernels` and an autograd test only
/// `op`, `reference` and the gradient settings. An op's test is then a table of cases (shapes,
/// settings, seeds, tolerances) with one `checkOp` per row. `op` must be deterministic: state it
/// changes (running statistics) or random draws (dropout) are made fresh inside the closure.
///
/// ```swift
/// for (shape, seed) in [([2, 3, 5], 9 as UInt64), ([4, 1], 10)] {
///   checkOp(
///     "relu \(shape)", inputs: [randomAwayFromZero(shape, seed: seed)],
///     reference: .elementwise { max($0, 0) }
///   ) { relu($0[0]) }
/// }
/// ```
public func checkOp(
  _ label: String, inputs: [Tensor] = [], reference: OpReference? = nil,
  forwardTolerance: OpTolerance = OpTolerance(), gradients: FiniteDifferences? = FiniteDifferences(),
  kernels: [KernelPass] = [], kernelTolerance: OpTolerance = OpTolerance(absolute: 1e-4),
  file: StaticString = #filePath, line: UInt = #line,
  _ op: (([Variable]) -> Variable)? = nil
) {
  var checks = kernels.count
  if let op, let reference {
    checks += 1
    let expected = reference.evaluate(inputs)
    let recorded = op(inputs.map { Variable($0, requiresGrad: true) }).value
    let unrecorded = withoutGradients { op(inputs.map { Variable($0) }) }.value
    for (output, mode) in [(recorded, "recording"), (unrecorded, "without gradients")] {
      assertClose(
        output, expected, absoluteTolerance: forwardTolerance.absolute,
        relativeTolerance: forwardTolerance.relative, "\(label): forward (\(mode)) vs reference",
        file: file, line: line)
    }
  }
  if let op, let gradients {
    checks += 1
    checkGradients(
      inputs, step: gradients.step, samples: gradients.samples, tolerance: gradients.tolerance,
      seed: gradients.seed, "\(label): backward vs finite differences", file: file, line: line, op)
  }
  for pass in kernels {
    checkKernelPass(pass, tolerance: kernelTolerance, label, file: file, line: line)
  }
  if checks == 0 {
    XCTFail("\(label): checkOp was given nothing to check", file: file, line: line)
  }
}
