/// How a layer shows itself in summaries (`convnet summary`), explanations and pictures: its
/// name with settings, how its parameter count arises, and its arithmetic.
///
/// Kept apart from `Module`, whose requirements are what a network needs to run and to be
/// saved. A layer adopts it for what it wants to show and takes the defaults for the rest; a
/// module that does not adopt it (a container, a plain activation) is shown by its type name,
/// with no formula and no multiply–accumulates. Code that shows any module asks through the
/// same names on `Module` (`module.layerDescription`, …), which consult this protocol.
public protocol LayerPresentation: Module {
  /// How a summary names this layer, e.g. "Conv2d(1, 6, kernel 5, padding 2)".
  var layerDescription: String { get }
  /// How the parameter count of this layer arises, e.g. "(5·5·1+1)·6 = 156"; nil if none.
  var parameterFormula: String? { get }
  /// Multiply–accumulate operations for one forward pass with these shapes.
  func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int
}

extension LayerPresentation {
  public var layerDescription: String { String(describing: type(of: self)) }
  public var parameterFormula: String? { nil }
  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int { 0 }
}

// What summaries, explanations and pictures read for any module. (The `LayerPresentation`
// defaults above are more specific than these, so the casts below reach a layer's own
// implementation or the protocol's default, never these again.)
extension Module {
  /// The layer's `LayerPresentation.layerDescription`, else the module's type name.
  public var layerDescription: String {
    (self as? any LayerPresentation)?.layerDescription ?? String(describing: type(of: self))
  }

  /// The layer's `LayerPresentation.parameterFormula`, else nil.
  public var parameterFormula: String? { (self as? any LayerPresentation)?.parameterFormula }

  /// The layer's `LayerPresentation.multiplyAccumulates(inputShape:outputShape:)`, else 0.
  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    (self as? any LayerPresentation)?.multiplyAccumulates(inputShape: inputShape, outputShape: outputShape)
      ?? 0
  }
}
