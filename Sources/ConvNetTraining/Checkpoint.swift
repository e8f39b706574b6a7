import ConvNetIO
import ConvNetNN
import ConvNetTensor
import Foundation

/// Saving and restoring training state.
///
/// `save` writes two safetensors files, each atomically: `FILE` holds only the model's
/// state dict under PyTorch keys (so it loads into PyTorch and into `convnet infer`), and
/// `FILE` with extension `.optimizer.safetensors` holds the optimiser state. Both carry
/// metadata: architecture, epochs completed.
public enum Checkpoint {
  /// The companion file that holds the optimiser state for the weights at `url`.
  public static func optimizerURL(for url: URL) -> URL {
    url.deletingPathExtension().appendingPathExtension("optimizer.safetensors")
  }

  /// Writes the model's weights (and, if given, the optimiser's state) atomically.
  public static func save(
    model: any Module, optimizer: (any Optimizer)? = nil, architecture: String, epoch: Int,
    to url: URL
  ) throws {
    let metadata = ["architecture": architecture, "epoch": String(epoch), "format": "pt"]
    let entries = model.stateDict().map {
      (name: $0.name, tensor: $0.value, dtype: $0.isInteger ? SafetensorsDType.i64 : .f32)
    }
    try SafetensorsFile.write(entries, metadata: metadata, to: url)
    if let optimizer {
      let state = optimizer.stateTensors().sorted { $0.key < $1.key }.map {
        (name: $0.key, tensor: $0.value, dtype: SafetensorsDType.f32)
      }
      try SafetensorsFile.write(state, metadata: metadata, to: optimizerURL(for: url))
    }
  }

  /// Loads weights into `model`; every key and shape must match (the error names the first
  /// mismatch and the file).
  public static func loadWeights(into model: any Module, from url: URL) throws {
    let tensors = try readStateDict(from: url)
    do {
      try model.loadStateDict(tensors)
    } catch let error as StateDictError {
      throw StateDictError("\(url.path): \(error.description)")
    }
  }

  /// Restores model and optimiser from `save`'s two files; returns the epochs completed.
  public static func resume(model: any Module, optimizer: any Optimizer, from url: URL) throws -> Int {
    try loadWeights(into: model, from: url)
    let optimizerFile = optimizerURL(for: url)
    let file = try SafetensorsFile.read(from: optimizerFile)
    var state: [String: Tensor] = [:]
    for name in file.names { state[name] = try file.tensor(named: name) }
    do {
      try optimizer.loadState(state)
    } catch {
      throw StateDictError("\(optimizerFile.path): \(error)")
    }
    guard let epochText = file.metadata["epoch"], let epoch = Int(epochText) else {
      throw StateDictError("\(optimizerFile.path): metadata field \"epoch\" missing or not a number")
    }
    return epoch
  }
}
