import ConvNetAutograd
import ConvNetTensor

/// A fully connected layer: y = x·Wᵀ + b, weight [out, in], bias [out] (PyTorch names
/// `weight`, `bias`). Input [N, in] → output [N, out].
public final class Linear: Module, LayerPresentation {
  public let inputFeatures: Int
  public let outputFeatures: Int
  public var weight: Variable
  public var bias: Variable?

  public init(
    _ inputFeatures: Int, _ outputFeatures: Int, bias hasBias: Bool = true,
    initialization: WeightInitialization = .pytorchDefault
  ) {
    precondition(inputFeatures > 0 && outputFeatures > 0, "Linear: feature counts must be positive")
    self.inputFeatures = inputFeatures
    self.outputFeatures = outputFeatures
    (weight, bias) = initialization.make(
      weightShape: [outputFeatures, inputFeatures], biasShape: hasBias ? [outputFeatures] : nil,
      fanIn: inputFeatures)
  }

  public func forward(_ input: Variable) -> Variable { linear(input, weight: weight, bias: bias) }

  /// relu(forward(input)), fused (what `Sequential` runs for Linear → ReLU).
  public func forwardWithReLU(_ input: Variable) -> Variable {
    linearReLU(input, weight: weight, bias: bias)
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public var layerDescription: String { "Linear(\(inputFeatures), \(outputFeatures))" }

  public var parameterFormula: String? {
    let count = (inputFeatures + (bias == nil ? 0 : 1)) * outputFeatures
    return bias == nil
      ? "\(inputFeatures)·\(outputFeatures) = \(count)"
      : "(\(inputFeatures)+1)·\(outputFeatures) = \(count)"
  }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    inputFeatures * outputFeatures
  }
}

/// Merges all axes after the first: [N, C, H, W] → [N, C·H·W].
public final class Flatten: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { input.flattened() }
}

/// Passes its input through unchanged (a placeholder where a layer is optional).
public final class Identity: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { input }
}
