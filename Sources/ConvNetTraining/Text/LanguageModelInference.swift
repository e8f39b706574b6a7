import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// Language models from weight files, and `convnet infer` for them: token ids in, logits out.
public enum LanguageModelInference {
  /// The shapes of the tensors in the weight file at `url` (its header only), optimiser state
  /// left out — what `LanguageModel.Configuration(cell:weightShapes:source:)` reads sizes from.
  public static func weightShapes(at url: URL) throws -> [String: [Int]] {
    let file = try SafetensorsFile.read(from: url)
    var shapes: [String: [Int]] = [:]
    for entry in file.entries where !entry.name.hasPrefix(Checkpoint.optimizerPrefix) {
      shapes[entry.name] = entry.shape
    }
    return shapes
  }

  /// The `cell` language model of the weights at `url` (a PyTorch `state_dict()` or a file
  /// saved by `LanguageModelTraining`), sizes read from the weights, in evaluation mode.
  /// - Throws: `StateDictError` naming the file and the tensor whose shape does not fit.
  public static func loadModel(cell: LanguageModel.Cell, weightsAt url: URL) throws -> LanguageModel {
    let configuration = try LanguageModel.Configuration(
      cell: cell, weightShapes: weightShapes(at: url), source: url.path)
    let model = LanguageModel(configuration)
    try Checkpoint.loadWeights(into: model, from: url)
    model.eval()
    return model
  }

  /// The int64 token ids of tensor `name` in `file`, as a Float tensor of the same shape (the
  /// ids' convention in ConvNet), after checking every id is in 0 ..< `vocabularySize`.
  /// - Throws: `DataError` naming the file and the tensor: not I64, not of rank 2 [N, T] with
  ///   N, T ≥ 1, or an id out of range (the first one, with its position).
  public static func tokenIDs(in file: SafetensorsFile, tensor name: String, vocabularySize: Int) throws
    -> Tensor
  {
    let path = file.url.path
    guard file.names.contains(name) else {
      throw DataError(
        file: path, field: "tensor \"\(name)\"",
        problem: "is missing (found: \(file.names.joined(separator: ", ")))")
    }
    let entry = try file.entry(named: name)
    guard entry.dtype == .i64 else {
      throw DataError(
        file: path, field: "tensor \"\(name)\"",
        problem: "has dtype \(entry.dtype.rawValue), expected I64 token ids (torch.int64)")
    }
    guard entry.shape.count == 2, entry.shape[0] >= 1, entry.shape[1] >= 1 else {
      throw DataError(
        file: path, field: "tensor \"\(name)\"",
        problem: "has shape \(entry.shape), expected token ids [N, T] with N, T ≥ 1")
    }
    let ids = try file.int64Values(named: name)
    if let bad = ids.firstIndex(where: { $0 < 0 || $0 >= Int64(vocabularySize) }) {
      let (row, column) = bad.quotientAndRemainder(dividingBy: entry.shape[1])
      throw DataError(
        file: path, field: "tensor \"\(name)\"",
        problem: "holds token id \(ids[bad]) at [\(row), \(column)], expected ids in "
          + "0 ..< \(vocabularySize) (the vocabulary size of the weights)")
    }
    return Tensor(shape: entry.shape, scalars: ids.map { Float($0) })
  }

  /// `convnet infer` for a language model: reads tensor "input" (int64 ids [N, T]) from
  /// `input`, runs the model of the weights at `weights` and writes tensor "output" (logits
  /// [N, T, V], float32) to `output`, atomically.
  /// - Returns: the shape of the logits written.
  @discardableResult
  public static func run(cell: LanguageModel.Cell, weights: URL, input: URL, output: URL) throws -> [Int] {
    let model = try loadModel(cell: cell, weightsAt: weights)
    let ids = try tokenIDs(
      in: SafetensorsFile.read(from: input), tensor: "input",
      vocabularySize: model.configuration.vocabularySize)
    let logits = withoutGradients { model(Variable(ids)) }.value
    try SafetensorsFile.write([(name: "output", tensor: logits, dtype: .f32)], to: output)
    return logits.shape
  }
}
