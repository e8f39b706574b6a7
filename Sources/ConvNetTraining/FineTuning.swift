import ConvNetIO
import ConvNetNN
import ConvNetTensor
import Foundation

/// Transfer learning: start from trained weights, replace the classifier when the number of
/// classes changes, freeze the layers that should keep what they learned.
public enum FineTuning {
  /// Loads the weights at `url` — a state dict or a checkpoint written by `--save` (its
  /// optimiser state is not weights and is left out) — into `model`. When the file's classifier (`<prefix>.weight`,
  /// `<prefix>.bias`) has another shape than the model's — another number of classes — those
  /// two tensors are skipped and the model's freshly initialised classifier is kept.
  /// - Returns: true when the classifier was replaced.
  @discardableResult
  public static func loadPretrained(
    into model: any Module, from url: URL, classifierPrefix: String
  ) throws -> Bool {
    let tensors = try Checkpoint.readWeights(from: url)
    let headKeys = ["\(classifierPrefix).weight", "\(classifierPrefix).bias"]
    let modelShapes = Dictionary(
      model.stateDict().map { ($0.name, $0.value.shape) }, uniquingKeysWith: { first, _ in first })
    let replaced = headKeys.contains { key in
      guard let file = tensors[key]?.shape, let wanted = modelShapes[key] else { return false }
      return file != wanted
    }
    do {
      try model.loadStateDict(tensors, skipping: replaced ? Set(headKeys) : [])
    } catch let error as StateDictError {
      throw StateDictError("\(url.path): \(error.description)")
    }
    return replaced
  }

  /// Freezes every parameter whose state-dict key starts with one of `prefixes` (whole dotted
  /// components: "features" matches "features.0.weight", not "features2.weight"): no gradient,
  /// no update, and batch-norm layers among them keep their running statistics.
  /// - Returns: the number of scalar parameters frozen.
  /// - Throws: `SettingError` for "frozenPrefixes" when a prefix matches no parameter (the
  ///   message lists the top-level names).
  @discardableResult
  public static func freeze(_ model: any Module, prefixes: [String]) throws -> Int {
    let named = model.namedParameters()
    var frozen = 0
    for prefix in prefixes {
      let matching = named.filter { $0.name == prefix || $0.name.hasPrefix(prefix + ".") }
      guard !matching.isEmpty else {
        let tops = Set(named.map { String($0.name.split(separator: ".").first ?? "") }).sorted()
        throw SettingError(
          setting: "frozenPrefixes", name: "frozen prefix",
          detail: "\"\(prefix)\" matches no parameter; top-level names: \(tops.joined(separator: ", "))")
      }
      for (_, parameter) in matching where parameter.requiresGrad {
        parameter.requiresGrad = false
        parameter.grad = nil
        frozen += parameter.value.count
      }
    }
    return frozen
  }
}
