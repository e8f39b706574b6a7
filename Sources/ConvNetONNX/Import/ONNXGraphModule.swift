import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// An ONNX graph imported as a ConvNet module: it runs with the autograd ops, so it trains.
///
/// - **Parameters** are the graph's float initializers, under their ONNX names (so
///   `saveStateDict` writes safetensors with those keys and `loadStateDict` reads them back);
///   batch-norm statistics (BatchNormalization's mean and var inputs) are buffers, saved but not
///   trained. A float initializer used only as a setting (a Clip bound, a Pad value) stays a
///   constant.
/// - **Constant folding**: at load time every node whose inputs are all constants (integer
///   initializers, Constant nodes, results of such nodes — the Shape-free parts of shape
///   arithmetic, ConstantOfShape weights) is evaluated once and removed. Shape arithmetic that
///   depends on the input's shape (dynamic batch) runs per call on small integer tensors.
/// - **Refusals**: every node is compiled when the module is made; an operator, attribute
///   value, output or data type that is not supported throws `ONNXImportError.unsupported`
///   naming the node and what is supported — never a silently wrong answer.
/// - **Semantics** are the graph's: inference (Dropout is the identity, BatchNormalization uses
///   the running statistics) in training mode too, so fine-tuning trains the weights of the
///   network the file describes.
public final class ONNXGraphModule: Module {
  /// The graph's inputs that a caller feeds, and its outputs.
  public let inputs: [ONNXValueInfo]
  public let outputs: [ONNXValueInfo]
  /// The default-domain opset of the file.
  public let opsetVersion: Int
  /// The nodes left to run per call (after folding), with their op types, for summaries.
  public var nodes: [ONNXNode] { steps.map { $0.node } }
  /// How many nodes constant folding removed at load time.
  public let foldedNodeCount: Int

  private let parameterList: [(name: String, parameter: Variable)]
  private let bufferList: [(name: String, buffer: Buffer)]
  private let constants: [String: ONNXValue]
  private let steps: [Step]

  /// One node to run: its kernel, and the values that are no longer needed after it.
  private struct Step {
    let node: ONNXNode
    let kernel: ONNXKernel
    var releases: [String]
  }

  public var ownParameters: [(name: String, parameter: Variable)] { parameterList }
  public var ownBuffers: [(name: String, buffer: Buffer)] { bufferList }

  /// Imports `graph`: classifies initializers, compiles every node (refusing what is not
  /// supported) and folds constant subgraphs.
  public init(graph: ONNXGraph) throws {
    guard ONNXOperatorTable.opsets.contains(graph.opsetVersion) else {
      throw ONNXImportError.unsupported(
        node: "model", what: "opset \(graph.opsetVersion)",
        supported: "opsets \(ONNXOperatorTable.opsets.lowerBound)–\(ONNXOperatorTable.opsets.upperBound) of the default domain")
    }
    for value in graph.inputs + graph.outputs where !value.elementType.isSupported {
      throw ONNXImportError.unsupported(
        node: "graph \(graph.inputs.contains { $0.name == value.name } ? "input" : "output") \"\(value.name)\"",
        what: "element type \(value.elementType)", supported: ONNXElementType.supportedDescription)
    }
    inputs = graph.inputs
    outputs = graph.outputs
    opsetVersion = graph.opsetVersion

    // Which float initializers are settings or statistics rather than weights.
    var uses: [String: [(op: String, slot: Int)]] = [:]
    for node in graph.nodes {
      for (slot, name) in node.inputs.enumerated() where !name.isEmpty { uses[name, default: []].append((node.opType, slot)) }
    }
    let statisticSlots: Set<String> = ["BatchNormalization#3", "BatchNormalization#4"]
    let settingSlots: Set<String> = ["Clip#1", "Clip#2", "Pad#2", "Dropout#1"]
    var parameters: [(name: String, parameter: Variable)] = []
    var buffers: [(name: String, buffer: Buffer)] = []
    var constants: [String: ONNXValue] = [:]
    var live: [String: ONNXValue] = [:]  // parameters and buffers as values, for shapes
    for (name, data) in graph.initializers {
      guard case .float(let tensor) = data else {
        constants[name] = ONNXValue(data)
        continue
      }
      let slots = (uses[name] ?? []).map { "\($0.op)#\($0.slot)" }
      if !slots.isEmpty && slots.allSatisfy({ statisticSlots.contains($0) }) {
        buffers.append((name, Buffer(tensor)))
        live[name] = .float(Variable(tensor))
      } else if slots.isEmpty || slots.allSatisfy({ settingSlots.contains($0) }) {
        constants[name] = ONNXValue(data)
      } else {
        let parameter = Variable(tensor, requiresGrad: true)
        parameters.append((name, parameter))
        live[name] = .float(parameter)
      }
    }

    // Compile every node; fold those whose inputs are all constant.
    var steps: [Step] = []
    var folded = 0
    var knownShapes = constants.mapValues { $0.shape }
    for (name, value) in live { knownShapes[name] = value.shape }
    let available = Set(graph.inputs.map { $0.name }).union(constants.keys).union(live.keys)
    var produced = available
    // An output nothing reads (Dropout's mask, MaxPool's Indices left dangling by exporters)
    // is dropped before compiling: whether an operator could produce it does not matter.
    let read = Set(graph.nodes.flatMap { $0.inputs }).union(graph.outputs.map { $0.name })
    for var node in graph.nodes {
      node.outputs = node.outputs.map { read.contains($0) ? $0 : "" }
      for name in node.inputs where !name.isEmpty && !produced.contains(name) {
        throw ONNXImportError.malformed(node: node.label, reason: "input \"\(name)\" is not produced by any earlier node or graph input")
      }
      let kernel = try ONNXOperatorTable.compile(node, opset: graph.opsetVersion, knownShapes: knownShapes)
      produced.formUnion(node.outputs.filter { !$0.isEmpty })
      let constantInputs = node.inputs.allSatisfy { $0.isEmpty || constants[$0] != nil }
      if constantInputs {
        let arguments = ONNXArguments(
          values: node.inputs.map { $0.isEmpty ? nil : constants[$0] }, label: node.label)
        let results = try withoutGradients { try kernel(arguments) }
        for (name, value) in zip(node.outputs, results) where !name.isEmpty {
          constants[name] = value
          knownShapes[name] = value.shape
        }
        folded += 1
      } else {
        steps.append(Step(node: node, kernel: kernel, releases: []))
      }
    }
    for output in graph.outputs where !produced.contains(output.name) {
      throw ONNXImportError.malformed(node: "graph output \"\(output.name)\"", reason: "no node produces it")
    }
    // Release each intermediate value after its last use (outputs are kept).
    var lastUse: [String: Int] = [:]
    for (index, step) in steps.enumerated() {
      for name in step.node.inputs where !name.isEmpty { lastUse[name] = index }
    }
    let kept = Set(graph.outputs.map { $0.name })
    for (name, index) in lastUse where !kept.contains(name) { steps[index].releases.append(name) }

    self.parameterList = parameters
    self.bufferList = buffers
    self.constants = constants
    self.steps = steps
    self.foldedNodeCount = folded
  }

  /// Runs the graph on `feeds` (by graph input name) and returns every graph output in order.
  ///
  /// - Throws: `ONNXImportError` naming the input or node: a missing input, a shape that does
  ///   not match the graph's declared dimensions, or a value an operator cannot take.
  public func run(_ feeds: [String: ONNXValue]) throws -> [ONNXValue] {
    try run(feeds) { _, _ in }
  }

  /// `run(_:)`, handing every value a node computes to `observe` (summaries read the shapes).
  func run(_ feeds: [String: ONNXValue], observe: (String, ONNXValue) -> Void) throws -> [ONNXValue] {
    var environment = constants
    for (name, parameter) in parameterList { environment[name] = .float(parameter) }
    for (name, buffer) in bufferList { environment[name] = .float(Variable(buffer.value)) }
    for input in inputs {
      guard let value = feeds[input.name] else {
        throw ONNXImportError.runtime(node: "graph input \"\(input.name)\"", reason: "no value was given")
      }
      try check(value, against: input)
      environment[input.name] = value
    }
    for step in steps {
      let arguments = ONNXArguments(
        values: step.node.inputs.map { $0.isEmpty ? nil : environment[$0] }, label: step.node.label)
      let results = try step.kernel(arguments)
      guard results.count >= step.node.outputs.filter({ !$0.isEmpty }).count else {
        throw ONNXImportError.runtime(node: step.node.label, reason: "produced \(results.count) outputs")
      }
      for (name, value) in zip(step.node.outputs, results) where !name.isEmpty {
        environment[name] = value
        observe(name, value)
      }
      for name in step.releases { environment[name] = nil }
    }
    return try outputs.map { output in
      guard let value = environment[output.name] else {
        throw ONNXImportError.runtime(node: "graph output \"\(output.name)\"", reason: "was not computed")
      }
      return value
    }
  }

  /// Runs a graph of one float input and one float output.
  public func evaluate(_ input: Variable) throws -> Variable {
    guard inputs.count == 1, outputs.count == 1 else {
      throw ONNXImportError.unsupported(
        node: "model", what: "\(inputs.count) inputs and \(outputs.count) outputs for a single-tensor call",
        supported: "one input and one output (use run(_:) for others)")
    }
    guard case .float(let output) = try run([inputs[0].name: .float(input)])[0] else {
      throw ONNXImportError.unsupported(node: "graph output \"\(outputs[0].name)\"", what: "integer output", supported: "float")
    }
    return output
  }

  /// The module call: `evaluate`, for a graph of one input and one output. Check the input
  /// first (`checkInput(shape:)`) where it comes from a user: a graph that cannot run it stops
  /// the program here, because `Module.forward` cannot throw.
  public func forward(_ input: Variable) -> Variable {
    do {
      return try evaluate(input)
    } catch {
      preconditionFailure("\(error)")
    }
  }

  /// Checks an input shape against the graph's single input (its declared fixed dimensions).
  public func checkInput(shape: [Int]) throws {
    guard let input = inputs.first else { return }
    try check(shape: shape, against: input)
  }

  /// The declared input shape with symbolic dimensions (a dynamic batch) set to `batch`.
  public func inputShape(batch: Int = 1) -> [Int]? {
    guard let dims = inputs.first?.shape else { return nil }
    return dims.map { $0 ?? batch }
  }

  private func check(_ value: ONNXValue, against input: ONNXValueInfo) throws {
    guard value.elementType.isInteger == input.elementType.isInteger else {
      throw ONNXImportError.runtime(
        node: "graph input \"\(input.name)\"", reason: "got \(value.elementType) data, expected \(input.elementType)")
    }
    try check(shape: value.shape, against: input)
  }

  private func check(shape: [Int], against input: ONNXValueInfo) throws {
    guard let dims = input.shape else { return }
    guard dims.count == shape.count, zip(dims, shape).allSatisfy({ $0 == nil || $0 == $1 }) else {
      let expected = dims.map { $0.map(String.init) ?? "?" }.joined(separator: "×")
      throw ONNXImportError.runtime(
        node: "graph input \"\(input.name)\"", reason: "shape \(shape) does not match the declared \(expected)")
    }
  }
}
