import ArgumentParser
import ConvNet
import Foundation

struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Measure a trained network on a test set: accuracy, loss, per-class table, confusion matrix.")

  @Option(help: "The architecture of the weights.")
  var arch = "lenet5"

  @Option(help: "The weights to evaluate (safetensors).")
  var weights: String

  @OptionGroup var dataOptions: DataOptions

  @Option(
    parsing: .unconditional,
    help: "Input channels the weights expect (default: the dataset's); images are converted.")
  var inChannels: Int?

  @Flag(
    help:
      "Test-time augmentation: average each image's class probabilities with those of its left–right mirror image. For classes that mirroring keeps (clothes, CIFAR, photos), not digits."
  )
  var flipTTA = false

  @Flag(help: "Print one JSON object instead of tables.")
  var json = false

  @OptionGroup var pictureOptions: EvalPictureOptions

  func validate() throws {
    if let inChannels, inChannels != 1 && inChannels != 3 {
      throw CLIError("--in-channels must be 1 or 3, got \(inChannels)")
    }
    try checkReadableFile(weights, option: "--weights")
    try dataOptions.validateImageSize(for: arch)
  }

  func run() throws {
    let architecture = try Architectures.named(arch)
    let data = try DataOptions.load(
      try dataOptions.dataSource(), architecture: architecture, channels: inChannels, seed: 1)
    guard let test = data.test else {
      throw CLIError(
        "the dataset has no test split: pass --val-split F to evaluate on held-out training images (drawn with seed 1, train's default --seed)"
      )
    }
    let weightsURL = URL(fileURLWithPath: weights)
    let classCount = try architecture.classCount(ofWeightsAt: weightsURL)
    guard test.classCount <= classCount else {
      throw CLIError(
        "\(test.name.escapingControlCharacters) has labels up to \(test.classCount - 1), but the weights classify only \(classCount) classes"
      )
    }
    try Preflight.checkInference(
      architecture: architecture, sampleShape: test.sampleShape, classCount: classCount,
      batch: min(1000, test.count))
    let model = architecture.build(inputChannels: test.sampleShape[0], classCount: classCount)
    try Preflight.checkInputChannels(
      ofWeightsAt: weightsURL, model: model, inputChannels: test.sampleShape[0])
    try Checkpoint.loadWeights(into: model, from: weightsURL)
    let loader = DataLoader(
      dataset: test, batchSize: TrainingRun.evaluationBatchSize, shuffle: false,
      transform: try dataOptions.pixelTransform(channels: test.sampleShape[0]))
    let result = evaluate(
      model, on: loader, classCount: classCount, averagingMirrorImages: flipTTA)
    try writePictures(model: model, loader: loader, test: test, result: result, classCount: classCount)
    if json {
      printJSON([
        "accuracy": result.accuracy, "loss": result.loss, "count": result.count,
        "confusion_matrix": result.confusion,
        "per_class": result.perClass.map {
          ["count": $0.count, "correct": $0.correct, "precision": $0.precision, "recall": $0.recall]
        },
      ])
      return
    }
    print(
      String(
        format: "%@: accuracy %.2f%% (%@ of %@), mean loss %.4f", test.name.escapingControlCharacters,
        result.accuracy * 100,
        formatCount(result.accuracy == 0 ? 0 : Int((result.accuracy * Float(result.count)).rounded())),
        formatCount(result.count), result.loss))
    var perClass = TextTable(columns: ["class", "samples", "correct", "precision", "recall"])
    for (k, row) in result.perClass.enumerated() {
      perClass.add([
        String(k), String(row.count), String(row.correct), String(format: "%.3f", row.precision),
        String(format: "%.3f", row.recall),
      ])
    }
    print("\n" + perClass.render(rightAligned: [1, 2, 3, 4]))
    var confusion = TextTable(columns: ["true \\ predicted"] + (0..<classCount).map(String.init))
    for (k, row) in result.confusion.enumerated() { confusion.add([String(k)] + row.map(String.init)) }
    print("\n" + confusion.render(rightAligned: Set(1...classCount)))
  }
}
