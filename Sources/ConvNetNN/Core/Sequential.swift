import ConvNetAutograd
import ConvNetKernels

/// Builds the list of layers of a `Sequential` from a block of expressions.
@resultBuilder
public enum ModuleBuilder {
  public static func buildExpression(_ module: any Module) -> [any Module] { [module] }
  public static func buildExpression(_ modules: [any Module]) -> [any Module] { modules }
  public static func buildBlock(_ parts: [any Module]...) -> [any Module] { parts.flatMap { $0 } }
  public static func buildOptional(_ part: [any Module]?) -> [any Module] { part ?? [] }
  public static func buildEither(first: [any Module]) -> [any Module] { first }
  public static func buildEither(second: [any Module]) -> [any Module] { second }
  public static func buildArray(_ parts: [[any Module]]) -> [any Module] { parts.flatMap { $0 } }
}

/// Layers applied one after another; children are named "0", "1", … as in PyTorch.
///
/// Two layer pairs run as one fused operation: a `ReLU` directly followed by a `MaxPool2d`
/// (`reluMaxPool2d`: same values and gradients, one pass over memory instead of three, no
/// rectified copy), and a `Linear` directly followed by a `ReLU` (`linearReLU`: bias and ReLU
/// in the GEMM's epilogue). While a `ModuleTracer` records (summaries), layers run one by one so that
/// every layer is seen.
///
///     let features = Sequential {
///       Conv2d(1, 6, kernelSize: 5, padding: 2)
///       ReLU()
///       MaxPool2d(2)
///     }
public final class Sequential: Module {
  public let layers: [any Module]

  public init(_ layers: [any Module]) { self.layers = layers }
  public convenience init(@ModuleBuilder _ build: () -> [any Module]) { self.init(build()) }

  public var children: [(name: String, module: any Module)] {
    layers.enumerated().map { (String($0.offset), $0.element) }
  }

  public func forward(_ input: Variable) -> Variable { forward(input, addingResidual: nil) }

  /// `forward(input) + residual` — MobileNetV2's inverted residual block. Under prepared
  /// inference, when the last layers are a convolution (and batch norm) with no activation
  /// after them, the addition runs in that convolution's epilogue.
  public func forward(_ input: Variable, addingResidual residual: Variable?) -> Variable {
    var x = input
    let fuse = ModuleTracer.current == nil
    let prepared = PreparedInference.applies()
    var pendingResidual = residual
    var index = 0
    while index < layers.count {
      // Prepared inference: Conv2d [→ BatchNorm2d in evaluation mode] [→ ReLU/ReLU6/Hardswish]
      // in one pass (see `PreparedInference`).
      // (A batch norm in training mode after it: the layers one by one, as without prepared
      // inference.)
      if prepared, let conv = layers[index] as? Conv2d,
        !(index + 1 < layers.count && (layers[index + 1] as? BatchNorm)?.isTraining == true)
      {
        var next = index + 1
        var batchNorm: BatchNorm?
        if next < layers.count, let norm = layers[next] as? BatchNorm2d {
          batchNorm = norm
          next += 1
        }
        var activation = FusedActivation.none
        if next < layers.count {
          switch layers[next] {
          case is ReLU: activation = .relu
          case is ReLU6: activation = .relu6
          case is Hardswish: activation = .hardswish
          default: break
          }
          if activation != .none { next += 1 }
        }
        let last = next == layers.count && activation == .none
        x = conv.preparedForward(
          x, foldingBatchNorm: batchNorm, residual: last ? pendingResidual : nil,
          activation: activation)
        if last { pendingResidual = nil }
        index = next
        continue
      }
      if fuse, index + 1 < layers.count, layers[index] is ReLU,
        let pool = layers[index + 1] as? MaxPool2d
      {
        x = pool.forwardAfterReLU(x)
        index += 2
        continue
      }
      if fuse, index + 1 < layers.count, let linear = layers[index] as? Linear,
        layers[index + 1] is ReLU
      {
        x = linear.forwardWithReLU(x)
        index += 2
        continue
      }
      x = layers[index](x)
      index += 1
    }
    if let pendingResidual { return pendingResidual + x }
    return x
  }

  public subscript(index: Int) -> any Module { layers[index] }
}
