import ConvNetAutograd
import ConvNetTensor

/// Batch normalisation with PyTorch's names and behaviour: parameters `weight` (γ) and `bias`
/// (β), buffers `running_mean`, `running_var`, `num_batches_tracked`; momentum 0.1, ε 1e-5.
/// `BatchNorm2d` normalises [N, C, H, W] per channel, `BatchNorm1d` [N, C] or [N, C, L].
public class BatchNorm: Module, LayerPresentation {
  public let features: Int
  public let momentum: Float
  public let epsilon: Float
  public var weight: Variable?
  public var bias: Variable?
  public let runningMean: Buffer
  public let runningVariance: Buffer
  public let batchesTracked: Buffer
  public var isTraining = true
  let expectedRanks: Set<Int>

  init(features: Int, momentum: Float, epsilon: Float, affine: Bool, expectedRanks: Set<Int>) {
    precondition(features > 0, "BatchNorm: feature count must be positive")
    self.features = features
    self.momentum = momentum
    self.epsilon = epsilon
    self.expectedRanks = expectedRanks
    if affine {
      weight = Variable(Tensor.ones([features]), requiresGrad: true)
      bias = Variable(Tensor.zeros([features]), requiresGrad: true)
    }
    runningMean = Buffer(Tensor.zeros([features]))
    runningVariance = Buffer(Tensor.ones([features]))
    batchesTracked = Buffer(Tensor.zeros([]), isInteger: true)
  }

  public func forward(_ input: Variable) -> Variable {
    precondition(
      expectedRanks.contains(input.value.rank) && input.shape[1] == features,
      "\(layerDescription): got input \(input.shape)")
    var statistics = BatchNormStatistics(channels: features)
    statistics.runningMean = runningMean.value
    statistics.runningVariance = runningVariance.value
    statistics.batchesTracked = Int(batchesTracked.value.scalar)
    // A frozen batch norm (γ and β not trained) keeps its statistics too, as in fine-tuning.
    let frozen = weight.map { !$0.requiresGrad } ?? false
    let output = batchNorm(
      input, weight: weight, bias: bias, statistics: &statistics, training: isTraining && !frozen,
      momentum: momentum, epsilon: epsilon)
    if isTraining && !frozen {
      runningMean.value = statistics.runningMean
      runningVariance.value = statistics.runningVariance
      batchesTracked.value = Tensor(Float(statistics.batchesTracked))
    }
    return output
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    (weight.map { [("weight", $0)] } ?? []) + (bias.map { [("bias", $0)] } ?? [])
  }

  public var ownBuffers: [(name: String, buffer: Buffer)] {
    [
      ("running_mean", runningMean), ("running_var", runningVariance),
      ("num_batches_tracked", batchesTracked),
    ]
  }

  public var layerDescription: String { "\(type(of: self))(\(features))" }

  public var parameterFormula: String? {
    weight == nil ? nil : "2·\(features) = \(2 * features)"
  }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    Tensor.elementCount(of: Array(outputShape.dropFirst()))
  }
}

public final class BatchNorm2d: BatchNorm {
  public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
    super.init(features: features, momentum: momentum, epsilon: epsilon, affine: affine, expectedRanks: [4])
  }
}

public final class BatchNorm1d: BatchNorm {
  public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
    super.init(
      features: features, momentum: momentum, epsilon: epsilon, affine: affine, expectedRanks: [2, 3])
  }
}
