import ConvNetAutograd
import ConvNetTensor

/// max(0, x).
public final class ReLU: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { relu(input) }
}

/// x for x ≥ 0, negativeSlope·x otherwise.
public final class LeakyReLU: Module, LayerPresentation {
  public let negativeSlope: Float
  public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
  public func forward(_ input: Variable) -> Variable { leakyRelu(input, negativeSlope: negativeSlope) }
  public var layerDescription: String { "LeakyReLU(\(negativeSlope))" }
}

/// Randomised leaky ReLU: slopes ~ U(lower, upper) per element in training, their mean in
/// evaluation.
public final class RReLU: StochasticModule, LayerPresentation {
  public let lower: Float
  public let upper: Float
  public var isTraining = true
  public var generator: SeededGenerator

  public init(lower: Float = 1.0 / 8, upper: Float = 1.0 / 3) {
    precondition(lower <= upper, "RReLU: lower \(lower) must not exceed upper \(upper)")
    self.lower = lower
    self.upper = upper
    generator = RandomSource.current.generator.split()
  }

  public func forward(_ input: Variable) -> Variable {
    rrelu(input, lower: lower, upper: upper, training: isTraining, generator: &generator)
  }
  public var layerDescription: String { "RReLU(\(lower), \(upper))" }
}

public final class Sigmoid: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { sigmoid(input) }
}

public final class Tanh: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { tanh(input) }
}

/// softmax along an axis (default: the last, i.e. classes of [N, classes]).
public final class Softmax: Module {
  public let axis: Int
  public init(axis: Int = -1) { self.axis = axis }
  public func forward(_ input: Variable) -> Variable { softmax(input, axis: axis) }
}

public final class LogSoftmax: Module {
  public let axis: Int
  public init(axis: Int = -1) { self.axis = axis }
  public func forward(_ input: Variable) -> Variable { logSoftmax(input, axis: axis) }
}

/// Zeroes each element with probability p in training (scaling the rest by 1/(1−p)).
public final class Dropout: StochasticModule, LayerPresentation {
  public let probability: Float
  public var isTraining = true
  public var generator: SeededGenerator

  public init(_ probability: Float = 0.5) {
    precondition(probability >= 0 && probability <= 1, "Dropout: p must be in [0, 1], got \(probability)")
    self.probability = probability
    generator = RandomSource.current.generator.split()
  }

  public func forward(_ input: Variable) -> Variable {
    dropout(input, probability: probability, training: isTraining, generator: &generator)
  }
  public var layerDescription: String { "Dropout(p=\(probability))" }
}
