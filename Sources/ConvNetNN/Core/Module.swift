import ConvNetAutograd
import ConvNetTensor

/// A layer or a network: it owns named parameters and buffers and named child modules, so that
/// the whole tree flattens to PyTorch `state_dict` keys (`features.0.weight`, `bn1.running_mean`).
///
/// Implement `forward(_:)`; call the module as a function (`model(x)`), which also lets a
/// `ModuleTracer` (used by summaries) observe every layer's output. How a layer is shown in
/// summaries is a separate protocol, `LayerPresentation`.
public protocol Module: AnyObject {
  /// Computes the output for `input`. Call `module(input)` rather than this directly.
  func forward(_ input: Variable) -> Variable
  /// Parameters this module owns directly (not its children's), in declaration order.
  var ownParameters: [(name: String, parameter: Variable)] { get }
  /// Buffers (non-trained state such as batch-norm running statistics) owned directly.
  var ownBuffers: [(name: String, buffer: Buffer)] { get }
  /// Child modules with the names that prefix their keys.
  var children: [(name: String, module: any Module)] { get }
  /// Training mode (dropout active, batch norm uses batch statistics) vs evaluation mode.
  /// Declare it (`public var isTraining = true`) only if `forward` depends on it; otherwise the
  /// default keeps the mode for you (`TrainingModes`). Set it for a whole tree with `train(_:)`
  /// and `eval()`.
  var isTraining: Bool { get set }
}

/// Non-trained module state that is saved with the weights (e.g. running mean).
public final class Buffer {
  public var value: Tensor
  /// Stored as int64 in weight files (PyTorch's `num_batches_tracked`).
  public let isInteger: Bool

  public init(_ value: Tensor, isInteger: Bool = false) {
    self.value = value
    self.isInteger = isInteger
  }
}

extension Module {
  public var ownParameters: [(name: String, parameter: Variable)] { [] }
  public var ownBuffers: [(name: String, buffer: Buffer)] { [] }
  public var children: [(name: String, module: any Module)] { [] }

  /// Runs the module; records the call (and lets its hook see the output) when a `ModuleTracer`
  /// is active.
  public func callAsFunction(_ input: Variable) -> Variable {
    let output = forward(input)
    guard let tracer = ModuleTracer.current else { return output }
    return tracer.record(self, input: input, output: output)
  }

  /// Every module in the tree with its dotted path ("" for self), parents before children.
  public func namedModules(prefix: String = "") -> [(name: String, module: any Module)] {
    var result: [(name: String, module: any Module)] = [(prefix, self)]
    for (name, child) in children {
      result += child.namedModules(prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }
    return result
  }

  /// All parameters with their state-dict keys.
  public func namedParameters() -> [(name: String, parameter: Variable)] {
    namedModules().flatMap { path, module in
      module.ownParameters.map { (path.isEmpty ? $0.name : "\(path).\($0.name)", $0.parameter) }
    }
  }

  /// All buffers with their state-dict keys.
  public func namedBuffers() -> [(name: String, buffer: Buffer)] {
    namedModules().flatMap { path, module in
      module.ownBuffers.map { (path.isEmpty ? $0.name : "\(path).\($0.name)", $0.buffer) }
    }
  }

  public var parameters: [Variable] { namedParameters().map { $0.parameter } }

  /// The number of scalar parameters (trainable or frozen).
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

  /// Switches this module and all its children to training (true) or evaluation (false) mode.
  public func train(_ training: Bool = true) {
    for (_, module) in namedModules() { module.isTraining = training }
  }

  /// Evaluation mode: dropout off, batch norm uses running statistics.
  public func eval() { train(false) }
}
