import ConvNetKernels
import ConvNetTensor

/// What an operation computed, in enough detail to write it down in another framework's terms:
/// the kind and every setting that is not visible in the input and output shapes. Ops hand one to
/// `Variable.makeOutput(…, traced:)`; an `OperationRecorder` (ONNX export) receives it while it
/// is installed with `OperationTrace.recording(into:_:)`. An op that gives none is recorded as
/// `.untraced(name)`, so a recorder can refuse what it does not understand instead of guessing.
public enum TracedOperation {
  /// inputs: x, weight, bias (if any).
  case conv2d(Conv2DSettings)
  /// inputs: x [N, in], weight [out, in], bias (if any); `relu` when fused (`linearReLU`).
  case linear(relu: Bool)
  case matmul
  /// Elementwise with numpy broadcasting; inputs: lhs, rhs.
  case add, subtract, multiply, divide
  /// x·factor, x + addend, −x.
  case scale(Float)
  case addScalar(Float)
  case negate
  /// The output's shape is the recorded output's; inputs: x.
  case reshape
  case flatten(startAxis: Int)
  case sumAll, meanAll
  case relu
  case leakyRelu(negativeSlope: Float)
  case sigmoid, tanh, relu6, hardsigmoid, hardswish
  case maxPool2d(Pool2DSettings, relu: Bool)
  case avgPool2d(Pool2DSettings, countIncludePad: Bool)
  case adaptiveAvgPool2d(outputHeight: Int, outputWidth: Int)
  /// inputs: x, weight (if any), bias (if any) — `hasWeight`/`hasBias` say which.
  case batchNorm(
    runningMean: Tensor, runningVariance: Tensor, epsilon: Float, training: Bool, hasWeight: Bool,
    hasBias: Bool)
  case concatenate(axis: Int)
  case selectChannels([Int])
  case softmax(axis: Int)
  case logSoftmax(axis: Int)
  /// Training-mode randomness (dropout masks, RReLU slopes): not a function of the input alone.
  case random(String)
  /// An operation that describes nothing more than its name.
  case untraced(String)
}

/// Receives every operation while installed (see `OperationTrace`).
public protocol OperationRecorder: AnyObject {
  /// `output` was computed from `inputs` (in the op's order) by `operation`.
  func record(_ operation: TracedOperation, inputs: [Variable], output: Variable)
}

/// Installs an `OperationRecorder` for the operations run by a block of code (task-local: other
/// threads and tasks are not traced). Costs one task-local read per operation when none is
/// installed.
public enum OperationTrace {
  @TaskLocal static var recorder: (any OperationRecorder)?

  /// Runs `body` with every operation it performs reported to `recorder`.
  public static func recording<Result>(
    into recorder: any OperationRecorder, _ body: () throws -> Result
  ) rethrows -> Result {
    try $recorder.withValue(recorder) { try body() }
  }

  /// Whether a recorder is installed: ops with a faster path that records nothing they could
  /// describe (prepared inference, say) take their plain path while this is true.
  public static var isRecording: Bool { recorder != nil }
}
