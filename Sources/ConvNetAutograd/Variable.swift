import ConvNetTensor

/// A tensor in the autograd graph: its value, the gradient accumulated into it, and — when an
/// operation produced it while gradients were recorded — the node that knows how to send the
/// gradient back to that operation's inputs (define-by-run, like PyTorch).
///
/// Parameters are leaf variables with `requiresGrad == true`: `backward()` **accumulates** into
/// their `grad` (call the optimiser's `zeroGradients()` between steps).
public final class Variable {
  public var value: Tensor
  /// The gradient of the last `backward()` root with respect to this variable, accumulated.
  public var grad: Tensor?
  /// Whether gradients flow into this variable. Setting it to false on a parameter freezes it.
  public var requiresGrad: Bool
  /// The operation that produced this variable (nil for leaves).
  let node: Node?

  /// A leaf variable: an input (`requiresGrad: false`) or a parameter (`requiresGrad: true`).
  public init(_ value: Tensor, requiresGrad: Bool = false) {
    self.value = value
    self.requiresGrad = requiresGrad
    self.node = nil
  }

  init(_ value: Tensor, node: Node?) {
    self.value = value
    self.requiresGrad = node != nil
    self.node = node
  }

  public var shape: [Int] { value.shape }
  public var isLeaf: Bool { node == nil }

  /// A new leaf with the same value, cut off from the graph.
  public func detached() -> Variable { Variable(value) }
}

/// One recorded operation: the variables it read and a closure that maps the gradient of its
/// output to the gradients of those inputs (nil where an input needs none).
final class Node {
  let name: String
  let inputs: [Variable]
  let backward: (Tensor) -> [Tensor?]

  init(name: String, inputs: [Variable], backward: @escaping (Tensor) -> [Tensor?]) {
    self.name = name
    self.inputs = inputs
    self.backward = backward
  }
}

/// Whether operations record themselves for backpropagation. Off inside `withoutGradients`.
public enum GradientMode {
  @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording the graph: for inference and evaluation.
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
  try GradientMode.$isEnabled.withValue(false, operation: body)
}

extension Variable {
  /// Builds the output of an operation: recorded in the graph when gradients are on and some
  /// input requires a gradient, a plain constant otherwise. `backward` receives the gradient
  /// of the output and returns one gradient (or nil) per input, in order.
  public static func makeOutput(
    _ value: Tensor, name: String, inputs: [Variable],
    backward: @escaping (Tensor) -> [Tensor?]
  ) -> Variable {
    guard GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else {
      return Variable(value)
    }
    return Variable(value, node: Node(name: name, inputs: inputs, backward: backward))
  }

  /// Backpropagates from this scalar (e.g. a loss): accumulates d(self)/d(leaf) into the `grad`
  /// of every leaf that requires a gradient.
  public func backward() {
    precondition(value.count == 1, "backward(): needs a scalar, got shape \(shape); pass a gradient")
    backward(gradient: Tensor(shape: value.shape, repeating: 1))
  }

  /// Backpropagates `gradient` (the gradient of some scalar with respect to this variable).
  public func backward(gradient: Tensor) {
    precondition(gradient.shape == shape, "backward(gradient:): shape \(gradient.shape) ≠ \(shape)")
    guard requiresGrad else { return }
    // Reverse topological order: every node runs after all nodes that consume its output.
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Variable, Bool)] = [(self, false)]
    while let (variable, expanded) = stack.popLast() {
      if expanded {
        order.append(variable)
        continue
      }
      guard visited.insert(ObjectIdentifier(variable)).inserted else { continue }
      stack.append((variable, true))
      if let node = variable.node {
        for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
          stack.append((input, false))
        }
      }
    }
    var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): gradient]
    for variable in order.reversed() {
      guard let outputGradient = pending.removeValue(forKey: ObjectIdentifier(variable)) else {
        continue
      }
      guard let node = variable.node else {
        // A leaf: accumulate, as PyTorch does.
        if variable.grad == nil {
          variable.grad = outputGradient
        } else {
          variable.grad! += outputGradient
        }
        continue
      }
      let inputGradients = node.backward(outputGradient)
      for (input, inputGradient) in zip(node.inputs, inputGradients) {
        guard input.requiresGrad, let inputGradient else { continue }
        precondition(
          inputGradient.shape == input.shape,
          "autograd: \(node.name) returned gradient \(inputGradient.shape) for input \(input.shape)")
        let key = ObjectIdentifier(input)
        if var existing = pending.removeValue(forKey: key) {
          existing += inputGradient
          pending[key] = existing
        } else {
          pending[key] = inputGradient
        }
      }
    }
  }
}
