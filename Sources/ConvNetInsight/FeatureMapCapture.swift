import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// Runs a network once and keeps the outputs of chosen layers: the feature maps a person looks
/// at to see what each layer responds to.
///
/// The capture rides on `ModuleTracer.observingOutputs`: every module call is seen as it
/// returns, and the outputs of the chosen paths are kept. The network runs in evaluation mode
/// (batch norm with its running statistics, no dropout) without recording gradients; the
/// modules' own training flags are restored afterwards.
public enum FeatureMapCapture {
  /// The result of one pass: the chosen layers' feature maps and the network's output.
  public struct Result {
    /// One entry per captured layer: for explicit paths in the order asked, for the default
    /// selection in the order the forward pass finished them.
    public let featureMaps: [FeatureMaps]
    /// The network's output (the logits), [N, classes].
    public let output: Tensor
  }

  /// Runs `model` on `input` and returns the outputs of `layers`.
  ///
  /// A module that runs more than once in one pass (a ReLU instance shared by a residual
  /// block) is captured at its last call.
  ///
  /// - Parameters:
  ///   - model: the network.
  ///   - input: a batch [N, C, H, W].
  ///   - layers: module paths (state-dict prefixes such as "features.0"); nil: every conv/pool
  ///     block whose output is a feature map larger than 1×1 (`LayerSelection`).
  /// - Throws: `InsightError` for a path that names no module, a module the forward pass did
  ///   not run, or one whose output is not N×C×H×W feature maps.
  public static func capture(_ model: any Module, input: Tensor, layers: [String]? = nil) throws
    -> Result
  {
    guard input.rank == 4 else {
      throw InsightError("the input must be a batch N×C×H×W, got shape \(input.shape)")
    }
    let modules = LayerSelection.modulesByPath(model)
    let requested = layers ?? LayerSelection.blockPaths(of: model)
    for path in requested { _ = try LayerSelection.module(at: path, in: model) }
    // A module object may sit at one path only in the lists above (first path kept).
    var pathOfModule: [ObjectIdentifier: String] = [:]
    for path in requested where pathOfModule[ObjectIdentifier(modules[path]!)] == nil {
      pathOfModule[ObjectIdentifier(modules[path]!)] = path
    }
    var captured: [String: Tensor] = [:]
    var finishOrder: [String] = []
    let output = try runInEvaluationMode(model) {
      try ModuleTracer.observingOutputs({ module, output in
        if let path = pathOfModule[ObjectIdentifier(module)] {
          if captured.updateValue(output.value, forKey: path) == nil { finishOrder.append(path) }
        }
        return output
      }) {
        withoutGradients { model(Variable(input)) }.value
      }.result
    }
    var maps: [FeatureMaps] = []
    for path in layers ?? finishOrder {
      let module = modules[path]!
      guard let values = captured[path] else {
        throw InsightError(
          "layer \"\(path)\" (\(module.layerDescription)) did not run in the forward pass "
            + "(an auxiliary head that runs only in training?)")
      }
      guard values.rank == 4 else {
        if layers == nil { continue }
        throw InsightError(
          "layer \"\(path)\" (\(module.layerDescription)) outputs shape \(values.shape), "
            + "not feature maps N×C×H×W")
      }
      if layers == nil && values.shape[2] * values.shape[3] <= 1 { continue }
      maps.append(FeatureMaps(name: path, layerDescription: module.layerDescription, values: values))
    }
    return Result(featureMaps: maps, output: output)
  }

  /// Runs `body` with every module of `model` in evaluation mode, then restores each module's
  /// own training flag.
  static func runInEvaluationMode<Result>(_ model: any Module, _ body: () throws -> Result) rethrows
    -> Result
  {
    let modules = model.namedModules().map(\.module)
    let flags = modules.map(\.isTraining)
    for module in modules { module.isTraining = false }
    defer { for (module, flag) in zip(modules, flags) { module.isTraining = flag } }
    return try body()
  }
}
