import ConvNetAutograd

/// The squashing function of LeCun et al. 1998 (appendix A): f(a) = A·tanh(S·a), with
/// A = 1.7159 and S = 2/3 by default, so that f(±1) ≈ ±1 and the second derivative is largest
/// at a = ±1. Parameter-free; the gradient is composed from `tanh` and scaling.
public final class ScaledTanh: Module, LayerPresentation {
  public let amplitude: Float
  public let slope: Float

  public init(amplitude: Float = 1.7159, slope: Float = 2.0 / 3.0) {
    self.amplitude = amplitude
    self.slope = slope
  }

  public func forward(_ input: Variable) -> Variable { amplitude * tanh(slope * input) }

  public var layerDescription: String { "ScaledTanh(A=\(amplitude), S=\(slope))" }
}
