import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import Foundation

/// Turns the operations recorded during one traced forward pass into ONNX nodes.
///
/// Values are identified by the `Variable` objects the ops saw (the recorder keeps every one
/// alive, so no identity is reused). A value is *batch-carrying* when it depends on the graph
/// input, so that its first dimension is the dynamic batch; shapes of the others (parameters and
/// what is computed from them alone) are fixed. An operation that cannot be written down
/// exactly — an op with no ONNX form, a constant made inside `forward`, training-mode
/// randomness, a reshape that moves the batch — does not stop the build at once: its output is
/// marked failed, and the failure reaches the graph's output only if that output depends on it
/// (dead branches, such as unused auxiliary heads, do not matter).
final class ONNXGraphBuilder {
  /// Why a value cannot be exported, and at which recorded operation that started.
  struct Failure {
    let reason: String
    let eventIndex: Int
  }

  enum Resolved {
    case value(name: String, carriesBatch: Bool)
    case failed(Failure)
  }

  private enum Input {
    case value(name: String, carriesBatch: Bool)
    case failed(Failure)
    /// A leaf that is neither the graph input nor a parameter: a constant made by `forward`.
    case constant(Tensor)
  }

  private struct LoweringFailure: Error {
    let reason: String
  }

  let opset: Int
  private(set) var nodes: [Onnx_NodeProto] = []
  private(set) var initializers: [Onnx_TensorProto] = []
  private var initializerNames: Set<String> = []
  private var usedNames: Set<String>
  private(set) var values: [ObjectIdentifier: Resolved] = [:]
  private let parameterKeys: [ObjectIdentifier: String]
  private let bufferKeys: [ObjectIdentifier: String]
  private let preferredNames: [ObjectIdentifier: String]
  private var counter = 0

  /// - Parameters:
  ///   - parameterKeys: state-dict key of each parameter `Variable`, by identity.
  ///   - bufferKeys: state-dict key of each buffer, by the identity of its tensor's storage.
  ///   - preferredNames: a name (the module path) for values that are some module's output.
  init(
    opset: Int, input: Variable, inputName: String, parameterKeys: [ObjectIdentifier: String],
    bufferKeys: [ObjectIdentifier: String], preferredNames: [ObjectIdentifier: String]
  ) {
    self.opset = opset
    self.parameterKeys = parameterKeys
    self.bufferKeys = bufferKeys
    self.preferredNames = preferredNames
    usedNames = [inputName]
    values[ObjectIdentifier(input)] = .value(name: inputName, carriesBatch: true)
  }

  func resolved(_ variable: Variable) -> Resolved? { values[ObjectIdentifier(variable)] }

  // MARK: - Recording

  /// Adds the nodes of recorded operation number `index`, or marks its output failed.
  func add(_ operation: TracedOperation, inputs: [Variable], output: Variable, index: Int) {
    let resolvedInputs = inputs.map(input)
    if case .concatenate(let axis) = operation,
      resolvedInputs.contains(where: { if case .constant = $0 { return true } else { return false } })
    {
      addZeroPadding(resolvedInputs, inputs: inputs, axis: axis, output: output, index: index)
      return
    }
    var names: [String] = []
    var carriesBatch = false
    for (variable, resolved) in zip(inputs, resolvedInputs) {
      switch resolved {
      case .value(let name, let carries):
        names.append(name)
        carriesBatch = carriesBatch || carries
      case .failed(let failure):
        values[ObjectIdentifier(output)] = .failed(failure)
        return
      case .constant:
        fail(
          output, index,
          "a constant of shape \(variable.shape) made inside forward (not a parameter or buffer) is used by "
            + "\(Self.describe(operation)); its value may depend on the batch, so it cannot be exported")
        return
      }
    }
    do {
      let name = try lower(
        operation, inputs: inputs, names: names, carriesBatch: carriesBatch, output: output)
      values[ObjectIdentifier(output)] = .value(name: name, carriesBatch: carriesBatch)
    } catch let failure as LoweringFailure {
      fail(output, index, failure.reason)
    } catch {
      fail(output, index, "\(error)")
    }
  }

  private func input(_ variable: Variable) -> Input {
    let id = ObjectIdentifier(variable)
    if let resolved = values[id] {
      switch resolved {
      case .value(let name, let carries): return .value(name: name, carriesBatch: carries)
      case .failed(let failure): return .failed(failure)
      }
    }
    if let key = parameterKeys[id] {
      if !initializerNames.contains(key) {
        addInitializer(Onnx_TensorProto(name: key, tensor: variable.value))
      }
      values[id] = .value(name: key, carriesBatch: false)
      return .value(name: key, carriesBatch: false)
    }
    return .constant(variable.value)
  }

  private func fail(_ output: Variable, _ index: Int, _ reason: String) {
    values[ObjectIdentifier(output)] = .failed(Failure(reason: reason, eventIndex: index))
  }

  // MARK: - Names, constants, nodes

  private func uniqueName(_ base: String) -> String {
    var name = base
    var suffix = 1
    while usedNames.contains(name) || initializerNames.contains(name) {
      suffix += 1
      name = "\(base)_\(suffix)"
    }
    usedNames.insert(name)
    return name
  }

  private func outputName(for output: Variable, opType: String) -> String {
    counter += 1
    return uniqueName(preferredNames[ObjectIdentifier(output)] ?? "\(opType)_\(counter)")
  }

  private func addInitializer(_ tensor: Onnx_TensorProto) {
    initializers.append(tensor)
    initializerNames.insert(tensor.name)
    usedNames.insert(tensor.name)
  }

  private func constant(_ base: String, _ tensor: Tensor) -> String {
    let name = uniqueName(base)
    addInitializer(Onnx_TensorProto(name: name, tensor: tensor))
    return name
  }

  private func int64Constant(_ base: String, _ values: [Int]) -> String {
    let name = uniqueName(base)
    addInitializer(Onnx_TensorProto(name: name, int64Values: values.map { Int64($0) }))
    return name
  }

  @discardableResult
  private func node(
    _ opType: String, _ inputs: [String], output: String, attributes: [Onnx_AttributeProto] = []
  ) -> String {
    var node = Onnx_NodeProto()
    node.opType = opType
    node.name = output
    node.input = inputs
    node.output = [output]
    node.attribute = attributes
    nodes.append(node)
    return output
  }

  // MARK: - Lowering

  /// The nodes of one operation; returns the name of its output value.
  private func lower(
    _ operation: TracedOperation, inputs: [Variable], names: [String], carriesBatch: Bool, output: Variable
  ) throws -> String {
    func single(_ opType: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
      node(opType, names, output: outputName(for: output, opType: opType), attributes: attributes)
    }
    switch operation {
    case .conv2d(let s):
      let weight = inputs[1].shape
      return single(
        "Conv",
        [
          .ints("kernel_shape", [weight[2], weight[3]]), .ints("strides", [s.strideHeight, s.strideWidth]),
          .ints("pads", [s.paddingTop, s.paddingLeft, s.paddingBottom, s.paddingRight]),
          .ints("dilations", [s.dilationHeight, s.dilationWidth]), .int("group", s.groups),
        ])
    case .linear(let relu):
      guard relu else { return single("Gemm", [.int("transB", 1)]) }
      let result = outputName(for: output, opType: "Gemm")
      let gemm = node("Gemm", names, output: uniqueName("\(result)/Gemm"), attributes: [.int("transB", 1)])
      return node("Relu", [gemm], output: result)
    case .matmul: return single("MatMul")
    case .add: return single("Add")
    case .subtract: return single("Sub")
    case .multiply: return single("Mul")
    case .divide: return single("Div")
    case .scale(let factor):
      let result = outputName(for: output, opType: "Mul")
      return node("Mul", [names[0], constant("\(result)/factor", Tensor(factor))], output: result)
    case .addScalar(let addend):
      let result = outputName(for: output, opType: "Add")
      return node("Add", [names[0], constant("\(result)/addend", Tensor(addend))], output: result)
    case .negate: return single("Neg")
    case .reshape, .flatten:
      let from = inputs[0].shape
      let to = output.shape
      var target = to
      if carriesBatch {
        guard !from.isEmpty, !to.isEmpty, from[0] == to[0] else {
          throw LoweringFailure(
            reason: "reshape from \(from) to \(to) does not keep the batch as the first dimension")
        }
        target[0] = 0  // ONNX Reshape: 0 copies the input's size (the dynamic batch)
      }
      let result = outputName(for: output, opType: "Reshape")
      return node("Reshape", [names[0], int64Constant("\(result)/shape", target)], output: result)
    case .sumAll: return single("ReduceSum", [.int("keepdims", 0)])
    case .meanAll: return single("ReduceMean", [.int("keepdims", 0)])
    case .relu: return single("Relu")
    case .leakyRelu(let slope): return single("LeakyRelu", [.float("alpha", slope)])
    case .sigmoid: return single("Sigmoid")
    case .tanh: return single("Tanh")
    case .relu6:
      let result = outputName(for: output, opType: "Clip")
      let low = constant("\(result)/min", Tensor(0))
      let high = constant("\(result)/max", Tensor(6))
      return node("Clip", [names[0], low, high], output: result)
    case .hardsigmoid: return single("HardSigmoid", [.float("alpha", 1.0 / 6), .float("beta", 0.5)])
    case .hardswish: return single("HardSwish")
    case .maxPool2d(let s, let relu):
      let result = outputName(for: output, opType: "MaxPool")
      let source = relu ? node("Relu", names, output: uniqueName("\(result)/Relu")) : names[0]
      return node("MaxPool", [source], output: result, attributes: poolAttributes(s))
    case .avgPool2d(let s, let countIncludePad):
      var attributes = poolAttributes(s)
      if countIncludePad { attributes.append(.int("count_include_pad", 1)) }
      return single("AveragePool", attributes)
    case .adaptiveAvgPool2d(let outputHeight, let outputWidth):
      let (height, width) = (inputs[0].shape[2], inputs[0].shape[3])
      if outputHeight == 1 && outputWidth == 1 { return single("GlobalAveragePool") }
      guard height % outputHeight == 0, width % outputWidth == 0 else {
        throw LoweringFailure(
          reason: "adaptive average pooling from \(height)×\(width) to \(outputHeight)×\(outputWidth) has "
            + "windows of unequal size, which ONNX has no operator for; export with an input size whose "
            + "feature map here is a multiple of \(outputHeight)×\(outputWidth)")
      }
      let kernel = [height / outputHeight, width / outputWidth]
      return single("AveragePool", [.ints("kernel_shape", kernel), .ints("strides", kernel)])
    case .batchNorm(let mean, let variance, let epsilon, let training, let hasWeight, let hasBias):
      guard !training else {
        throw LoweringFailure(reason: "batch norm runs in training mode (batch statistics)")
      }
      let result = outputName(for: output, opType: "BatchNormalization")
      let channels = mean.count
      var rest = Array(names.dropFirst())
      let weight = hasWeight ? rest.removeFirst() : constant("\(result)/scale", Tensor.ones([channels]))
      let bias = hasBias ? rest.removeFirst() : constant("\(result)/bias", Tensor.zeros([channels]))
      let meanName = buffer(mean, fallback: "\(result)/running_mean")
      let varianceName = buffer(variance, fallback: "\(result)/running_var")
      return node(
        "BatchNormalization", [names[0], weight, bias, meanName, varianceName], output: result,
        attributes: [.float("epsilon", epsilon)])
    case .concatenate(let axis): return single("Concat", [.int("axis", axis)])
    case .selectChannels(let indices):
      let result = outputName(for: output, opType: "Gather")
      return node(
        "Gather", [names[0], int64Constant("\(result)/indices", indices)], output: result,
        attributes: [.int("axis", 1)])
    case .softmax(let axis): return single("Softmax", [.int("axis", axis)])
    case .logSoftmax(let axis): return single("LogSoftmax", [.int("axis", axis)])
    case .random(let name):
      throw LoweringFailure(
        reason: "\(name) runs in training mode (random draws); export needs evaluation mode")
    case .untraced(let name):
      throw LoweringFailure(reason: "operation \"\(name)\" has no ONNX export")
    }
  }

  private func poolAttributes(_ s: Pool2DSettings) -> [Onnx_AttributeProto] {
    var attributes: [Onnx_AttributeProto] = [
      .ints("kernel_shape", [s.kernelHeight, s.kernelWidth]),
      .ints("strides", [s.strideHeight, s.strideWidth]),
      .ints("pads", [s.paddingHeight, s.paddingWidth, s.paddingHeight, s.paddingWidth]),
    ]
    if s.ceilMode { attributes.append(.int("ceil_mode", 1)) }
    return attributes
  }

  /// The initializer of a batch-norm statistic: the buffer's own key when the tensor is a
  /// module's buffer (same storage), otherwise a new initializer.
  private func buffer(_ tensor: Tensor, fallback: String) -> String {
    if let key = bufferKeys[ObjectIdentifier(tensor.storage)] {
      if !initializerNames.contains(key) { addInitializer(Onnx_TensorProto(name: key, tensor: tensor)) }
      return key
    }
    return constant(fallback, tensor)
  }

  /// A concatenation of zeros around one value along `axis` (the CIFAR ResNets' option-A
  /// shortcut) is ONNX `Pad`: exact for every batch size, because the zero blocks have the
  /// value's shape off `axis` — batch included. Anything else with a constant fails.
  private func addZeroPadding(
    _ resolved: [Input], inputs: [Variable], axis: Int, output: Variable, index: Int
  ) {
    var valueIndex: Int?
    for (position, item) in resolved.enumerated() {
      switch item {
      case .failed(let failure):
        values[ObjectIdentifier(output)] = .failed(failure)
        return
      case .value:
        guard valueIndex == nil else {
          return fail(
            output, index,
            "a concatenation mixes constants made inside forward with several computed values")
        }
        valueIndex = position
      case .constant(let tensor):
        guard tensor.scalars.allSatisfy({ $0 == 0 }) else {
          return fail(
            output, index,
            "a constant of shape \(tensor.shape) made inside forward is concatenated; only zero padding "
              + "around one computed value can be exported")
        }
      }
    }
    guard let valueIndex, case .value(let name, let carriesBatch) = resolved[valueIndex] else {
      return fail(output, index, "a concatenation of constants made inside forward")
    }
    let shape = inputs[valueIndex].shape
    for variable in inputs {
      var other = variable.shape
      guard other.count == shape.count else { return fail(output, index, "concatenation of unequal ranks") }
      other[axis] = shape[axis]
      guard other == shape else {
        return fail(
          output, index, "zero padding of shape \(variable.shape) does not match \(shape) off axis \(axis)")
      }
    }
    guard axis != 0 || !carriesBatch else {
      return fail(output, index, "zero padding along the batch dimension")
    }
    let before = inputs[..<valueIndex].reduce(0) { $0 + $1.shape[axis] }
    let after = inputs[(valueIndex + 1)...].reduce(0) { $0 + $1.shape[axis] }
    var pads = [Int](repeating: 0, count: 2 * shape.count)
    pads[axis] = before
    pads[shape.count + axis] = after
    let result = outputName(for: output, opType: "Pad")
    node("Pad", [name, int64Constant("\(result)/pads", pads)], output: result)
    values[ObjectIdentifier(output)] = .value(name: result, carriesBatch: carriesBatch)
  }

  static func describe(_ operation: TracedOperation) -> String {
    "\(operation)".prefix { $0 != "(" }.description
  }

  // MARK: - Finishing

  /// A node-produced name for `value` (an Identity when it is the graph input or an initializer),
  /// so that the graph output can be given its own name.
  func producedName(for value: String) -> String {
    if nodes.contains(where: { $0.output.contains(value) }) { return value }
    return node("Identity", [value], output: uniqueName("\(value)/Identity"))
  }

  /// Keeps only the nodes and initializers that `outputs` depend on, and renames value `from`
  /// to `to` everywhere.
  func finish(output: String, renamedTo finalName: String) -> (
    nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto]
  ) {
    var producer: [String: Int] = [:]
    for (index, node) in nodes.enumerated() { for name in node.output { producer[name] = index } }
    var needed: Set<String> = [output]
    var keep = Set<Int>()
    var stack = [output]
    while let name = stack.popLast() {
      guard let index = producer[name], keep.insert(index).inserted else { continue }
      for input in nodes[index].input where needed.insert(input).inserted { stack.append(input) }
    }
    var kept = nodes.indices.filter { keep.contains($0) }.map { nodes[$0] }
    if output != finalName {
      for index in kept.indices {
        kept[index].input = kept[index].input.map { $0 == output ? finalName : $0 }
        kept[index].output = kept[index].output.map { $0 == output ? finalName : $0 }
        if kept[index].name == output { kept[index].name = finalName }
      }
    }
    return (kept, initializers.filter { needed.contains($0.name) })
  }
}
