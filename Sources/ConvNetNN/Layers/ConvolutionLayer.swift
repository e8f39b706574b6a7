import ConvNetAutograd
import ConvNetTensor

/// What `Conv1d` and `Conv2d` share, as PyTorch's `_ConvNd`: the channels, a weight
/// [Cout, Cin/groups, kernel…] and an optional bias [Cout], made, listed, counted and costed
/// the same way whatever the number of spatial axes. Each subclass adds its settings and its
/// `forward`, which calls the functional `conv1d` / `conv2d`.
public class ConvolutionLayer {
  public let inputChannels: Int
  public let outputChannels: Int
  public let groups: Int
  public var weight: Variable
  public var bias: Variable?
  /// The kernel's size along each spatial axis: [k] or [kH, kW].
  let kernelExtents: [Int]
  /// The prepared form for inference (`PreparedInference`; used by `Conv2d`).
  let inferenceCache = ConvolutionInferenceCache()

  /// Checks that the channels split into `groups`, then makes the weight and bias (fan-in
  /// Cin/groups · kernel area). `layer` names the layer in the error.
  init(
    _ layer: String, inputChannels: Int, outputChannels: Int, kernel: [Int], groups: Int,
    bias hasBias: Bool, initialization: WeightInitialization
  ) {
    precondition(
      groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
      "\(layer): channels \(inputChannels)→\(outputChannels) are not divisible by groups \(groups)")
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.groups = groups
    kernelExtents = kernel
    (weight, bias) = initialization.make(
      weightShape: [outputChannels, inputChannels / groups] + kernel,
      biasShape: hasBias ? [outputChannels] : nil, fanIn: kernel.reduce(inputChannels / groups, *))
  }

  /// A layer over `weight` and `bias` as given, drawing no random weights: for code that
  /// points the layer at tensors held elsewhere (an imported graph's fused convolutions), where
  /// a drawn weight would only be thrown away — and its memory kept for reuse meanwhile.
  init(
    _ layer: String, inputChannels: Int, outputChannels: Int, kernel: [Int], groups: Int,
    weight: Variable, bias: Variable?
  ) {
    precondition(
      groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
      "\(layer): channels \(inputChannels)→\(outputChannels) are not divisible by groups \(groups)")
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.groups = groups
    kernelExtents = kernel
    self.weight = weight
    self.bias = bias
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  /// "(kH·kW·Cin/groups+1)·Cout = count", the course's way of counting shared weights.
  public var parameterFormula: String? {
    let perFilter = kernelExtents.reduce(inputChannels / groups, *)
    let count = (perFilter + (bias == nil ? 0 : 1)) * outputChannels
    let kernel = (kernelExtents + [inputChannels / groups]).map(String.init).joined(separator: "·")
    return bias == nil
      ? "\(kernel)·\(outputChannels) = \(count)" : "(\(kernel)+1)·\(outputChannels) = \(count)"
  }

  /// One multiply-add per output element and weight of its filter.
  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    Tensor.elementCount(of: Array(outputShape.dropFirst()))
      * kernelExtents.reduce(inputChannels / groups, *)
  }
}
