import ConvNetTensor

/// A layer that draws random numbers while training (dropout masks, RReLU slopes) from a
/// generator of its own.
///
/// Each such layer's generator advances with every training forward pass, so continuing a run
/// exactly — after a checkpoint — needs its state as well as the weights; `generatorStates()`
/// and `restoreGenerators(_:)` collect and restore them by module path.
public protocol StochasticModule: Module {
  /// The layer's random stream; its state is part of a training checkpoint.
  var generator: SeededGenerator { get set }
}

/// A saved generator state that does not fit the model it is restored into.
public struct GeneratorStateError: Error, CustomStringConvertible {
  public let description: String
}

extension Module {
  /// The generator of every `StochasticModule` in the tree, keyed by its module path
  /// ("features.5", or "" for the root).
  public func generatorStates() -> [String: SeededGenerator] {
    var states: [String: SeededGenerator] = [:]
    for (path, module) in namedModules() {
      if let stochastic = module as? any StochasticModule { states[path] = stochastic.generator }
    }
    return states
  }

  /// Sets the generators saved by `generatorStates()`. The paths must be exactly this model's
  /// stochastic layers; nothing is changed when they are not.
  /// - Throws: `GeneratorStateError` naming the first missing or unexpected path.
  public func restoreGenerators(_ states: [String: SeededGenerator]) throws {
    let layers = namedModules().compactMap { path, module in
      (module as? any StochasticModule).map { (path, $0) }
    }
    let expected = Set(layers.map(\.0))
    if let stray = states.keys.sorted().first(where: { !expected.contains($0) }) {
      throw GeneratorStateError(
        description: "random state for \"\(stray)\", which is not a dropout/RReLU layer of this model")
    }
    if let missing = layers.map(\.0).first(where: { states[$0] == nil }) {
      throw GeneratorStateError(description: "no random state for layer \"\(missing)\"")
    }
    for (path, layer) in layers {
      if let state = states[path] { layer.generator = state }
    }
  }
}
