import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import Foundation

/// Checks made before the first step of a run, so that a shape that does not fit, a memory
/// demand the machine cannot meet or weights made for other images are reported at once, as
/// an error, instead of stopping the program in the middle of (or after) an epoch.
public enum Preflight {
  /// Everything about a training run that can be known before it starts.
  ///
  /// In order: the test split has the training split's image shape; the memory estimate
  /// (`Architecture.memoryEstimate`) fits in `availableBytes`; the architecture takes the
  /// images (`Architecture.checkInput`).
  /// - Returns: the memory estimate.
  /// - Throws: `InputShapeError` or `MemoryLimitError`.
  @discardableResult
  public static func checkTraining(
    architecture: Architecture, train: any LabeledImageDataset, test: (any LabeledImageDataset)?,
    classCount: Int, batchSize: Int, evaluationBatchSize: Int,
    availableBytes: Double = MemoryEstimate.physicalMemory
  ) throws -> MemoryEstimate {
    guard train.count > 0 else {
      throw InputShapeError("\(train.name) has no images to train on")
    }
    if let test, test.sampleShape != train.sampleShape {
      throw InputShapeError(
        "\(test.name) has images of \(shapeText(test.sampleShape)), but \(train.name) has "
          + "\(shapeText(train.sampleShape)): both splits must have one image size")
    }
    let estimate = try architecture.memoryEstimate(
      sampleShape: train.sampleShape, classCount: classCount,
      trainingBatchSize: min(batchSize, train.count),
      inferenceBatchSize: min(evaluationBatchSize, test?.count ?? 0))
    try estimate.check(
      availableBytes: availableBytes,
      what: "training \(architecture.name) on \(shapeText(train.sampleShape)) images, "
        + "\(classCount) classes, batch \(min(batchSize, train.count))")
    try architecture.checkInput(sampleShape: train.sampleShape)
    let batch = min(batchSize, train.count)
    let last = train.count % batch == 0 ? batch : train.count % batch
    if last == 1 {
      try checkBatchNormTakesOneSample(
        architecture: architecture, sampleShape: train.sampleShape, what: train.name)
    }
    return estimate
  }

  /// Batch normalisation in training needs more than one value per channel: a batch of one
  /// image whose maps have shrunk to 1×1 (ResNet-18's last stage on 32×32 CIFAR images) has
  /// one. Such a batch arises as the last of an epoch when the image count leaves a remainder
  /// of 1. Throws `InputShapeError` naming the layer, its map size and the image count.
  static func checkBatchNormTakesOneSample(architecture: Architecture, sampleShape: [Int], what: String)
    throws
  {
    let model = RandomSource.withSeed(0) { architecture.build(inputChannels: sampleShape[0], classCount: 1) }
    let summary = ModelSummary(model: model, sampleShape: sampleShape)
    guard
      let row = summary.rows.first(where: {
        $0.layer.hasPrefix("BatchNorm") && $0.outputShape.dropFirst().reduce(1, *) == 1
      })
    else { return }
    throw InputShapeError(
      "the last batch of \(what) holds a single image, but batch norm \(row.name) of \(architecture.name) "
        + "sees 1×1 maps there and needs more than one value per channel to train: choose a batch "
        + "size that leaves a remainder other than 1")
  }

  /// Checks that running `architecture` on `batch` samples of `sampleShape` fits in memory
  /// and that the network takes that shape (for `summary`, `eval` and `infer`).
  @discardableResult
  public static func checkInference(
    architecture: Architecture, sampleShape: [Int], classCount: Int, batch: Int,
    availableBytes: Double = MemoryEstimate.physicalMemory
  ) throws -> MemoryEstimate {
    let estimate = try architecture.memoryEstimate(
      sampleShape: sampleShape, classCount: classCount, trainingBatchSize: nil,
      inferenceBatchSize: batch)
    try estimate.check(
      availableBytes: availableBytes,
      what: "\(architecture.name) for \(shapeText(sampleShape)) input and \(classCount) classes")
    try architecture.checkInput(sampleShape: sampleShape)
    return estimate
  }

  /// Checks that the weights at `url` were made for images of `inputChannels` channels: the
  /// first weight of `model` (built for `inputChannels`) with an input-channel axis must have
  /// the same size in the file. Without this, the mismatch shows up as a weight of the wrong
  /// shape, which blames the file for what is a property of the images.
  /// - Throws: `InputShapeError` naming the file, the tensor and both channel counts; errors
  ///   of `SafetensorsFile.read`.
  public static func checkInputChannels(
    ofWeightsAt url: URL, model: any Module, inputChannels: Int
  ) throws {
    guard let first = model.namedParameters().first(where: { $0.parameter.value.rank == 4 }) else { return }
    let file = try SafetensorsFile.read(from: url)
    guard let entry = file.entries.first(where: { $0.name == first.name }), entry.shape.count == 4 else {
      return
    }
    let modelShape = first.parameter.value.shape
    // Only the input-channel axis differs (grouped convolutions divide it alike).
    guard entry.shape[1] != modelShape[1],
      entry.shape[0] == modelShape[0], entry.shape[2...] == modelShape[2...],
      modelShape[1] > 0, inputChannels % modelShape[1] == 0
    else { return }
    let fileChannels = entry.shape[1] * (inputChannels / modelShape[1])
    throw InputShapeError(
      "the input has \(inputChannels) channel(s), but the weights \(url.path) were made for "
        + "\(fileChannels) (\(first.name) is \(shapeText(entry.shape))): convert the images to "
        + "\(fileChannels) channel(s)")
  }

  static func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }
}
