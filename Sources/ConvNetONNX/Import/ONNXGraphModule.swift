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
  private let steps: [Step]
  /// Conv → [BatchNormalization] → [Add] → [activation] runs computed in one prepared call
  /// when `PreparedInference.applies()` (see `ONNXConvolutionChain`).
  private let chains: [ONNXConvolutionChain]
  /// Expansion → depthwise → projection chains run as one fused block (`ONNXInvertedResidual`).
  private let blocks: [ONNXInvertedResidual]
  /// Every value by slot: the run loop indexes an array instead of hashing names per node.
  private let slotNames: [String]
  private let slotIndex: [String: Int]
  /// Constants in their slots, the rest nil: each run starts from a copy.
  private let template: [ONNXValue?]
  private let parameterSlots: [Int]
  private let bufferSlots: [Int]
  private let inputSlots: [Int]
  private let outputSlots: [Int]
  /// What a run does, node by node (training, tracing, summaries) or with the chains fused.
  private let plainProgram: [Instruction]
  private let preparedProgram: [Instruction]

  /// One node to run: its kernel and the slots of its inputs and outputs (−1: omitted input,
  /// output nothing reads). The label is made once: messages name the node without a string
  /// being built per call.
  private struct Step {
    let node: ONNXNode
    let label: String
    let kernel: ONNXKernel
    let inputs: [Int]
    let outputs: [Int]
  }

  /// A node or a fused chain, and the slots no longer needed after it.
  private struct Instruction {
    enum Unit {
      case step(Int)
      case chain(Int)
      case block(Int)
    }
    let unit: Unit
    let releases: [Int]
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
    var compiled: [(node: ONNXNode, kernel: ONNXKernel)] = []
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
        compiled.append((node, kernel))
      }
    }
    for output in graph.outputs where !produced.contains(output.name) {
      throw ONNXImportError.malformed(node: "graph output \"\(output.name)\"", reason: "no node produces it")
    }
    let kept = Set(graph.outputs.map { $0.name })
    let chains = ONNXConvolutionChain.find(
      nodes: compiled.map { $0.node }, knownShapes: knownShapes, constants: constants,
      values: live.merging(constants) { parameter, _ in parameter }, graphOutputs: kept)
    let blocks = ONNXInvertedResidual.find(chains: chains, nodes: compiled.map { $0.node }, graphOutputs: kept)

    // Slots: graph inputs, parameters, buffers, the constants that are read, node outputs.
    var slots: [String: Int] = [:]
    var slotNames: [String] = []
    func slot(_ name: String) -> Int {
      if let index = slots[name] { return index }
      slots[name] = slotNames.count
      slotNames.append(name)
      return slotNames.count - 1
    }
    let inputSlots = graph.inputs.map { slot($0.name) }
    let parameterSlots = parameters.map { slot($0.name) }
    let bufferSlots = buffers.map { slot($0.name) }
    let steps = compiled.map { step in
      Step(
        node: step.node, label: step.node.label, kernel: step.kernel,
        inputs: step.node.inputs.map { $0.isEmpty ? -1 : slot($0) },
        outputs: step.node.outputs.map { $0.isEmpty ? -1 : slot($0) })
    }
    let outputSlots = graph.outputs.map { slot($0.name) }
    for chain in chains { _ = chain.reads.map(slot) }
    var template = [ONNXValue?](repeating: nil, count: slotNames.count)
    for (index, name) in slotNames.enumerated() where template[index] == nil {
      template[index] = constants[name]
    }
    for index in inputSlots + parameterSlots + bufferSlots { template[index] = nil }

    // The two programs; each value is released after its last reader (outputs are kept).
    let keptSlots = Set(outputSlots)
    func program(_ units: [(unit: Instruction.Unit, reads: [Int])]) -> [Instruction] {
      var lastUse: [Int: Int] = [:]
      for (index, unit) in units.enumerated() {
        for slot in unit.reads where slot >= 0 { lastUse[slot] = index }
      }
      var releases = [[Int]](repeating: [], count: units.count)
      for (slot, index) in lastUse.sorted(by: { $0.key < $1.key }) where !keptSlots.contains(slot) {
        releases[index].append(slot)
      }
      return zip(units, releases).map { Instruction(unit: $0.unit, releases: $1) }
    }
    var chainOfStep: [Int: (chain: Int, isLast: Bool)] = [:]
    for (index, chain) in chains.enumerated() {
      for step in chain.stepIndices { chainOfStep[step] = (index, step == chain.stepIndices.last) }
    }
    let plainProgram = program(steps.indices.map { (.step($0), steps[$0].inputs) })
    var blockOfChain: [Int: (block: Int, isLast: Bool)] = [:]
    for (index, block) in blocks.enumerated() {
      for chain in block.chainIndices { blockOfChain[chain] = (index, chain == block.chainIndices.last) }
    }
    for block in blocks { _ = block.reads.map(slot) }
    var preparedUnits: [(unit: Instruction.Unit, reads: [Int])] = []
    for index in steps.indices {
      guard let (chain, isLast) = chainOfStep[index] else {
        preparedUnits.append((.step(index), steps[index].inputs))
        continue
      }
      guard isLast else { continue }
      if let (block, isLastChain) = blockOfChain[chain] {
        // The block runs where its last chain would (its members read nothing produced later).
        if isLastChain { preparedUnits.append((.block(block), blocks[block].reads.map(slot))) }
      } else {
        preparedUnits.append((.chain(chain), chains[chain].reads.map(slot)))
      }
    }

    self.parameterList = parameters
    self.bufferList = buffers
    self.steps = steps
    self.chains = chains
    self.blocks = blocks
    self.slotNames = slotNames
    self.slotIndex = slots
    self.template = template
    self.parameterSlots = parameterSlots
    self.bufferSlots = bufferSlots
    self.inputSlots = inputSlots
    self.outputSlots = outputSlots
    self.plainProgram = plainProgram
    self.preparedProgram = program(preparedUnits)
    self.foldedNodeCount = folded
  }

  /// The Conv runs computed in one prepared call each when no gradients are recorded (see
  /// `PreparedInference`), in graph order.
  public var fusedConvolutions: [ONNXFusedConvolution] { chains.map(\.summary) }

  /// The inverted residual blocks (expansion → depthwise → projection chains) that run as one
  /// fused pass over bands of rows when no gradients are recorded, in graph order.
  public var fusedInvertedResiduals: [ONNXFusedInvertedResidual] { blocks.map(\.summary) }

  /// How many times, since loading, an inverted residual block ran through the fused kernel
  /// (rather than its convolutions one by one: shapes it does not take, or a small image at a
  /// batch smaller than the thread count).
  public var fusedInvertedResidualRunCount: Int { blocks.reduce(0) { $0 + $1.fusedRunCount } }

  /// How many fused convolutions hold a prepared form now.
  public var preparedChainCount: Int { chains.filter(\.isPrepared).count }

  /// Drops every fused convolution's prepared form (its memory comes back; the next inference
  /// call prepares again).
  public func releasePreparedChains() { chains.forEach { $0.release() } }

  /// Runs the graph on `feeds` (by graph input name) and returns every graph output in order.
  ///
  /// - Throws: `ONNXImportError` naming the input or node: a missing input, a shape that does
  ///   not match the graph's declared dimensions, or a value an operator cannot take.
  public func run(_ feeds: [String: ONNXValue]) throws -> [ONNXValue] {
    try run(feeds, observe: nil)
  }

  /// `run(_:)`, handing every value a node computes to `observe` (summaries read the shapes);
  /// while observed, every node runs on its own.
  func run(_ feeds: [String: ONNXValue], observe: ((String, ONNXValue) -> Void)?) throws -> [ONNXValue] {
    var environment = template
    for (slot, (_, parameter)) in zip(parameterSlots, parameterList) { environment[slot] = .float(parameter) }
    for (slot, (_, buffer)) in zip(bufferSlots, bufferList) { environment[slot] = .float(Variable(buffer.value)) }
    for (slot, input) in zip(inputSlots, inputs) {
      guard let value = feeds[input.name] else {
        throw ONNXImportError.runtime(node: "graph input \"\(input.name)\"", reason: "no value was given")
      }
      try check(value, against: input)
      environment[slot] = value
    }
    let prepared = observe == nil && !chains.isEmpty && PreparedInference.applies()
    for instruction in prepared ? preparedProgram : plainProgram {
      switch instruction.unit {
      case .step(let index):
        try execute(steps[index], &environment, observe: observe)
      case .chain(let index):
        try runChain(chains[index], &environment)
      case .block(let index):
        let block = blocks[index]
        if let output = block.preparedOutput({ slotIndex[$0].flatMap { environment[$0] } }),
          let slot = slotIndex[block.output]
        {
          environment[slot] = .float(output)
        } else {
          // Shapes the fused kernel does not take: its convolutions one by one.
          for chain in block.chainIndices { try runChain(chains[chain], &environment) }
          for slot in block.intermediates.compactMap({ slotIndex[$0] }) { environment[slot] = nil }
        }
      }
      for slot in instruction.releases { environment[slot] = nil }
    }
    return try zip(outputs, outputSlots).map { output, slot in
      guard let value = environment[slot] else {
        throw ONNXImportError.runtime(node: "graph output \"\(output.name)\"", reason: "was not computed")
      }
      return value
    }
  }

  /// A fused chain in one prepared call, or its nodes when the values do not fit the call.
  private func runChain(_ chain: ONNXConvolutionChain, _ environment: inout [ONNXValue?]) throws {
    if let output = chain.preparedOutput({ slotIndex[$0].flatMap { environment[$0] } }),
      let slot = slotIndex[chain.output]
    {
      environment[slot] = .float(output)
    } else {
      // Values the prepared call does not take: the nodes themselves, which check them.
      for step in chain.stepIndices { try execute(steps[step], &environment, observe: nil) }
      for slot in chain.intermediates.compactMap({ slotIndex[$0] }) { environment[slot] = nil }
    }
  }

  private func execute(
    _ step: Step, _ environment: inout [ONNXValue?], observe: ((String, ONNXValue) -> Void)?
  ) throws {
    let arguments = ONNXArguments(
      values: step.inputs.map { $0 < 0 ? nil : environment[$0] }, label: step.label)
    let results = try step.kernel(arguments)
    var produced = 0
    for (slot, value) in zip(step.outputs, results) where slot >= 0 {
      environment[slot] = value
      observe?(slotNames[slot], value)
      produced += 1
    }
    guard produced == step.outputs.filter({ $0 >= 0 }).count else {
      throw ONNXImportError.runtime(node: step.label, reason: "produced \(results.count) outputs")
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
