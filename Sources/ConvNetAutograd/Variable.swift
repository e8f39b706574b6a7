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
  /// Which of `node`'s outputs this variable is (0 unless the op has several, see `makeOutputs`).
  let outputIndex: Int

  /// A leaf variable: an input (`requiresGrad: false`) or a parameter (`requiresGrad: true`).
  public init(_ value: Tensor, requiresGrad: Bool = false) {
    self.value = value
    self.requiresGrad = requiresGrad
    self.node = nil
    self.outputIndex = 0
  }

  init(_ value: Tensor, node: Node?, outputIndex: Int = 0) {
    self.value = value
    self.requiresGrad = node != nil
    self.node = node
    self.outputIndex = outputIndex
  }

  public var shape: [Int] { value.shape }
  public var isLeaf: Bool { node == nil }

  /// A new leaf with the same value, cut off from the graph.
  public func detached() -> Variable { Variable(value) }
}

/// One recorded operation: where each input's gradient goes and a closure that maps the
/// gradients of its outputs to the gradients of those inputs (nil where an input needs none).
/// Most ops have one output; a recurrent layer has several (output sequence, final states), and
/// its node receives one gradient per output — nil for an output nothing was derived from.
///
/// A node points at the nodes that produced its inputs, not at the input variables, so an
/// intermediate value lives only as long as something needs it — the user, or a backward
/// closure that saved it — as in PyTorch. ReLU saves its output, so the batch-norm output
/// before it is freed during the forward pass. Once its backward has run, a node drops its
/// closure (and with it the saved tensors) and its edges: memory falls as backward proceeds,
/// and a graph can be backpropagated once (PyTorch's default, without `retain_graph`).
final class Node {
  /// Where one input's gradient is sent.
  enum Edge {
    /// The input was output `output` of this node; its shape is kept to check the gradient's.
    case node(Node, output: Int, shape: [Int])
    /// The input is a leaf: its `grad` accumulates (if it still requires one then).
    case leaf(Variable)
    /// The input needs no gradient.
    case none
  }

  let name: String
  /// How many outputs the operation has.
  let outputCount: Int
  private(set) var edges: [Edge]
  private var backward: (([Tensor?]) -> [Tensor?])?

  init(
    name: String, inputs: [Variable], outputCount: Int = 1,
    backward: @escaping ([Tensor?]) -> [Tensor?]
  ) {
    self.name = name
    self.outputCount = outputCount
    self.edges = inputs.map { input in
      if let node = input.node { return .node(node, output: input.outputIndex, shape: input.shape) }
      return input.requiresGrad ? .leaf(input) : .none
    }
    self.backward = backward
  }

  /// Runs the backward closure once, then releases it and the edges' hold on the graph.
  /// `outputGradients` has one entry per output (nil where no gradient arrived).
  func runBackward(_ outputGradients: [Tensor?]) -> (edges: [Edge], gradients: [Tensor?]) {
    guard let backward else {
      preconditionFailure(
        "autograd: \(name) was already backpropagated; its saved tensors are freed. Build the graph again (run the forward pass) before calling backward() a second time."
      )
    }
    let gradients = backward(outputGradients)
    let edges = self.edges
    self.backward = nil
    self.edges = []
    return (edges, gradients)
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
  /// of the output and returns one gradient (or nil) per input, in order. `traced` describes
  /// the operation to an installed `OperationRecorder` (ONNX export); without it the operation
  /// is reported as `.untraced(name)`.
  public static func makeOutput(
    _ value: Tensor, name: String, inputs: [Variable], traced: @autoclosure () -> TracedOperation? = nil,
    backward: @escaping (Tensor) -> [Tensor?]
  ) -> Variable {
    let output: Variable
    if GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) {
      // A single output always has its gradient when its node runs (the walk skips nodes that
      // received none).
      let node = Node(name: name, inputs: inputs) { gradients in backward(gradients[0]!) }
      output = Variable(value, node: node)
    } else {
      output = Variable(value)
    }
    if let recorder = OperationTrace.recorder {
      recorder.record(traced() ?? .untraced(name), inputs: inputs, output: output)
    }
    return output
  }

  /// Builds the outputs of an operation with several results (a recurrent layer's output
  /// sequence and final states), recorded as one node: the backward runs once and receives
  /// one gradient per output, in order — nil for an output the root does not depend on (treat
  /// it as zero) — and returns one gradient (or nil) per input. An installed
  /// `OperationRecorder` sees each output as `.untraced(name)` (ONNX export refuses it by name).
  public static func makeOutputs(
    _ values: [Tensor], name: String, inputs: [Variable],
    backward: @escaping ([Tensor?]) -> [Tensor?]
  ) -> [Variable] {
    precondition(!values.isEmpty, "makeOutputs: \(name) has no outputs")
    let outputs: [Variable]
    if GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) {
      let node = Node(name: name, inputs: inputs, outputCount: values.count, backward: backward)
      outputs = values.enumerated().map { index, value in Variable(value, node: node, outputIndex: index) }
    } else {
      outputs = values.map { Variable($0) }
    }
    if let recorder = OperationTrace.recorder {
      for output in outputs { recorder.record(.untraced(name), inputs: inputs, output: output) }
    }
    return outputs
  }

  /// Backpropagates from this scalar (e.g. a loss): accumulates d(self)/d(leaf) into the `grad`
  /// of every leaf that requires a gradient.
  public func backward() {
    precondition(value.count == 1, "backward(): needs a scalar, got shape \(shape); pass a gradient")
    backward(gradient: Tensor(shape: value.shape, repeating: 1))
  }

  /// Backpropagates `gradient` (the gradient of some scalar with respect to this variable).
  /// The graph behind this variable is consumed: its saved tensors are freed as it goes.
  public func backward(gradient: Tensor) {
    precondition(gradient.shape == shape, "backward(gradient:): shape \(gradient.shape) ≠ \(shape)")
    guard requiresGrad else { return }
    guard let root = node else {
      Variable.accumulate(gradient, into: self)
      return
    }
    // Reverse topological order: every node runs after all nodes that consume its output.
    var order: [Node] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Node, Bool)] = [(root, false)]
    while let (node, expanded) = stack.popLast() {
      if expanded {
        order.append(node)
        continue
      }
      guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
      stack.append((node, true))
      for case .node(let input, _, _) in node.edges where !visited.contains(ObjectIdentifier(input)) {
        stack.append((input, false))
      }
    }
    // The gradients that have arrived at each node, one slot per output.
    var pending: [ObjectIdentifier: [Tensor?]] = [:]
    var rootGradients = [Tensor?](repeating: nil, count: root.outputCount)
    rootGradients[outputIndex] = gradient
    pending[ObjectIdentifier(root)] = rootGradients
    for node in order.reversed() {
      guard let outputGradients = pending.removeValue(forKey: ObjectIdentifier(node)) else {
        continue
      }
      let (edges, inputGradients) = node.runBackward(outputGradients)
      for (edge, inputGradient) in zip(edges, inputGradients) {
        guard let inputGradient else { continue }
        switch edge {
        case .none:
          continue
        case .leaf(let leaf):
          guard leaf.requiresGrad else { continue }
          precondition(
            inputGradient.shape == leaf.shape,
            "autograd: \(node.name) returned gradient \(inputGradient.shape) for input \(leaf.shape)")
          Variable.accumulate(inputGradient, into: leaf)
        case .node(let input, let output, let shape):
          precondition(
            inputGradient.shape == shape,
            "autograd: \(node.name) returned gradient \(inputGradient.shape) for input \(shape)")
          let key = ObjectIdentifier(input)
          var slots =
            pending.removeValue(forKey: key) ?? [Tensor?](repeating: nil, count: input.outputCount)
          if var existing = slots[output] {
            slots[output] = nil  // one reference, so += does not copy
            existing += inputGradient
            slots[output] = existing
          } else {
            slots[output] = inputGradient
          }
          pending[key] = slots
        }
      }
    }
  }

  /// A leaf's gradient accumulates, as in PyTorch.
  private static func accumulate(_ gradient: Tensor, into leaf: Variable) {
    if leaf.grad == nil {
      leaf.grad = gradient
    } else {
      leaf.grad! += gradient
    }
  }
}
