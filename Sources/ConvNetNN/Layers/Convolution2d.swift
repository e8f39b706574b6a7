import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// A height/width pair that an integer literal fills on both axes: `kernelSize: 5` or
/// `kernelSize: Size2(1, 7)`.
public struct Size2: ExpressibleByIntegerLiteral, Equatable, Sendable, CustomStringConvertible {
  public var height: Int
  public var width: Int
  public init(_ height: Int, _ width: Int) {
    self.height = height
    self.width = width
  }
  public init(integerLiteral value: Int) { self.init(value, value) }
  public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}

/// Zero padding of a convolution: a number of pixels per side, or PyTorch's "same" (output as
/// large as the input, stride 1 only; an even kernel pads the extra pixel at bottom/right) and
/// "valid" (no padding).
public enum Padding: ExpressibleByIntegerLiteral, Equatable, Sendable, CustomStringConvertible {
  case same
  case valid
  case explicit(Size2)

  public init(integerLiteral value: Int) { self = .explicit(Size2(value, value)) }

  public var description: String {
    switch self {
    case .same: return "same"
    case .valid: return "valid"
    case .explicit(let size): return size.description
    }
  }

  /// (top, bottom, left, right) for the given kernel and dilation.
  func sides(kernel: Size2, dilation: Size2) -> (Int, Int, Int, Int) {
    switch self {
    case .valid: return (0, 0, 0, 0)
    case .explicit(let size): return (size.height, size.height, size.width, size.width)
    case .same:
      let vertical = Conv2DGeometry.samePadding(kernel: kernel.height, dilation: dilation.height)
      let horizontal = Conv2DGeometry.samePadding(kernel: kernel.width, dilation: dilation.width)
      return (vertical.before, vertical.after, horizontal.before, horizontal.after)
    }
  }
}

/// 2D convolution over [N, Cin, H, W] → [N, Cout, Hout, Wout] with PyTorch's parameters
/// `weight` [Cout, Cin/groups, kH, kW] and `bias` [Cout].
///
/// Hout = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1. `groups` splits the channels
/// into independent groups; groups = Cin = Cout is a depthwise convolution.
public final class Conv2d: Module {
  public let inputChannels: Int
  public let outputChannels: Int
  public let kernelSize: Size2
  public let stride: Size2
  public let padding: Padding
  public let dilation: Size2
  public let groups: Int
  public var weight: Variable
  public var bias: Variable?
  public var isTraining = true
  let geometry: Conv2DGeometry

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2, stride: Size2 = 1,
    padding: Padding = 0, dilation: Size2 = 1, groups: Int = 1, bias hasBias: Bool = true,
    initialization: WeightInitialization = .pytorchDefault
  ) {
    precondition(groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
      "Conv2d: channels \(inputChannels)→\(outputChannels) are not divisible by groups \(groups)")
    precondition(padding != .same || stride == 1, "Conv2d: padding \"same\" needs stride 1, as in PyTorch")
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
    let (top, bottom, left, right) = padding.sides(kernel: kernelSize, dilation: dilation)
    geometry = Conv2DGeometry(
      batch: 1, inputChannels: inputChannels, inputHeight: 1, inputWidth: 1,
      outputChannels: outputChannels, kernelHeight: kernelSize.height, kernelWidth: kernelSize.width,
      strideHeight: stride.height, strideWidth: stride.width, paddingTop: top, paddingBottom: bottom,
      paddingLeft: left, paddingRight: right, dilationHeight: dilation.height,
      dilationWidth: dilation.width, groups: groups)
    let fanIn = inputChannels / groups * kernelSize.height * kernelSize.width
    (weight, bias) = initialization.make(
      weightShape: [outputChannels, inputChannels / groups, kernelSize.height, kernelSize.width],
      biasShape: hasBias ? [outputChannels] : nil, fanIn: fanIn)
  }

  public func forward(_ input: Variable) -> Variable {
    precondition(
      input.value.rank == 4 && input.shape[1] == inputChannels,
      "\(layerDescription): expects input [N, \(inputChannels), H, W], got \(input.shape)")
    return conv2d(input, weight: weight, bias: bias, geometry: geometry)
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public var layerDescription: String {
    var parts = ["\(inputChannels), \(outputChannels)", "kernel \(kernelSize)"]
    if stride != 1 { parts.append("stride \(stride)") }
    if padding != 0 && padding != .valid { parts.append("padding \(padding)") }
    if dilation != 1 { parts.append("dilation \(dilation)") }
    if groups != 1 { parts.append("groups \(groups)") }
    return "Conv2d(\(parts.joined(separator: ", ")))"
  }

  /// "(kH·kW·Cin/groups+1)·Cout = count", the course's way of counting shared weights.
  public var parameterFormula: String? {
    let perFilter = kernelSize.height * kernelSize.width * (inputChannels / groups)
    let count = (perFilter + (bias == nil ? 0 : 1)) * outputChannels
    let kernel = "\(kernelSize.height)·\(kernelSize.width)·\(inputChannels / groups)"
    return bias == nil ? "\(kernel)·\(outputChannels) = \(count)" : "(\(kernel)+1)·\(outputChannels) = \(count)"
  }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    Tensor.elementCount(of: Array(outputShape.dropFirst()))
      * kernelSize.height * kernelSize.width * (inputChannels / groups)
  }
}

/// 1D convolution over [N, Cin, L] → [N, Cout, Lout] (weight [Cout, Cin/groups, k]).
public final class Conv1d: Module {
  public let inputChannels: Int
  public let outputChannels: Int
  public let kernelSize: Int
  public let stride: Int
  public let padding: Padding
  public let dilation: Int
  public let groups: Int
  public var weight: Variable
  public var bias: Variable?
  public var isTraining = true

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1,
    padding: Padding = 0, dilation: Int = 1, groups: Int = 1, bias hasBias: Bool = true,
    initialization: WeightInitialization = .pytorchDefault
  ) {
    precondition(groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
      "Conv1d: channels \(inputChannels)→\(outputChannels) are not divisible by groups \(groups)")
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
    (weight, bias) = initialization.make(
      weightShape: [outputChannels, inputChannels / groups, kernelSize],
      biasShape: hasBias ? [outputChannels] : nil, fanIn: inputChannels / groups * kernelSize)
  }

  public func forward(_ input: Variable) -> Variable {
    let (_, _, left, right) = padding.sides(kernel: Size2(1, kernelSize), dilation: Size2(1, dilation))
    return conv1d(
      input, weight: weight, bias: bias, stride: stride, padding: (left, right), dilation: dilation,
      groups: groups)
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public var layerDescription: String { "Conv1d(\(inputChannels), \(outputChannels), kernel \(kernelSize))" }

  public var parameterFormula: String? {
    let count = (kernelSize * (inputChannels / groups) + (bias == nil ? 0 : 1)) * outputChannels
    return "(\(kernelSize)·\(inputChannels / groups)\(bias == nil ? "" : "+1"))·\(outputChannels) = \(count)"
  }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    Tensor.elementCount(of: Array(outputShape.dropFirst())) * kernelSize * (inputChannels / groups)
  }
}
