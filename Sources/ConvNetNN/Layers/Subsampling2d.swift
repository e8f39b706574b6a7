import ConvNetAutograd
import ConvNetTensor

/// LeNet-5's trainable subsampling (LeCun et al. 1998, layers S2 and S4): each output unit
/// adds the `kernelSize`×`kernelSize` inputs of its non-overlapping window, multiplies the sum
/// by a trainable coefficient and adds a trainable bias — one coefficient and one bias per map.
///
/// [N, C, H, W] → [N, C, ⌊H/k⌋, ⌊W/k⌋]; parameters `weight` [C] (the coefficients) and `bias`
/// [C], i.e. 2·C parameters (12 for S2, 32 for S4). The squashing function that follows in the
/// paper is a separate layer (`ScaledTanh`). The window sum is k²·average pooling, so the
/// gradient is composed from `avgPool2d` and broadcasting arithmetic.
public final class Subsampling2d: Module, LayerPresentation {
  public let channels: Int
  public let kernelSize: Int
  public var weight: Variable
  public var bias: Variable

  /// - Parameters:
  ///   - channels: the number of maps C.
  ///   - kernelSize: the window side k (2 in LeNet-5); the stride equals it.
  ///   - initialization: weight and bias drawn as for a unit with fan-in k² (PyTorch-style
  ///     ±1/√(k²) by default).
  public init(
    _ channels: Int, kernelSize: Int = 2, initialization: WeightInitialization = .pytorchDefault
  ) {
    precondition(
      channels > 0 && kernelSize > 0, "Subsampling2d: channels and kernel must be positive")
    self.channels = channels
    self.kernelSize = kernelSize
    let (weight, bias) = initialization.make(
      weightShape: [channels], biasShape: [channels], fanIn: kernelSize * kernelSize)
    self.weight = weight
    self.bias = bias!
  }

  public func forward(_ input: Variable) -> Variable {
    precondition(
      input.value.rank == 4 && input.shape[1] == channels,
      "\(layerDescription): expects input [N, \(channels), H, W], got \(input.shape)")
    let window = Size2(kernelSize, kernelSize)
    let windowSums = avgPool2d(input, kernelSize: window) * Float(kernelSize * kernelSize)
    let perMap = [1, channels, 1, 1]
    return windowSums * weight.reshaped(perMap) + bias.reshaped(perMap)
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    [("weight", weight), ("bias", bias)]
  }

  public var layerDescription: String { "Subsampling2d(\(channels), kernel \(kernelSize))" }

  /// "(1+1)·6 = 12": one coefficient and one bias per map.
  public var parameterFormula: String? { "(1+1)·\(channels) = \(2 * channels)" }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    Tensor.elementCount(of: Array(outputShape.dropFirst()))
  }
}
