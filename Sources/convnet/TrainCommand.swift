import ArgumentParser
import ConvNet
import Foundation

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a network on an image dataset (default: LeNet-5 on the bundled MNIST).",
    discussion: """
      --data is an IDX folder, CIFAR-10/100 binaries, class folders or a CSV of pixels; its \
      test split (or --val-split) is evaluated after each epoch. Without --data, the MNIST copy \
      inside ConvNet is used. --max-steps with --no-shuffle makes a run reproducible step by step: \
      the first steps·batch-size samples in file order.
      """)

  @Option(help: "The architecture to train.")
  var arch = "lenet5"

  @OptionGroup var dataOptions: DataOptions

  @Option(help: "Passes over the training set.")
  var epochs = 2

  @Option(help: "Samples per mini-batch.")
  var batchSize = 64

  @Option(help: "sgd, adam, adamw or rmsprop.")
  var optimizer = "sgd"

  @Option(help: "Learning rate (default: 0.05 for SGD, 0.001 for the others).")
  var lr: Float?

  @Option(help: "SGD/RMSprop momentum.")
  var momentum: Float = 0.9

  @Option(help: "Weight decay (L2 regularisation; decoupled for AdamW).")
  var weightDecay: Float = 0

  @Option(help: "Learning-rate schedule: cosine (annealed to 0 over the run, per step), constant, or step:N[:gamma] (×gamma every N epochs).")
  var schedule = "cosine"

  @Option(help: "Label smoothing for the cross-entropy loss, in [0, 1).")
  var labelSmoothing: Float = 0

  @Option(help: "Seed for weight initialisation and shuffling.")
  var seed: UInt64 = 1

  @Flag(help: "Keep the training samples in file order.")
  var noShuffle = false

  @Option(help: "Stop after this many optimiser steps in all.")
  var maxSteps: Int?

  @Option(help: "Start from these weights (safetensors), e.g. trained in PyTorch. With another class count, the classifier is replaced.")
  var initWeights: String?

  @Option(help: "Number of classes of the final layer (default: the dataset's).")
  var numClasses: Int?

  @Option(help: "Input channels of the network (default: the dataset's); images are converted.")
  var inChannels: Int?

  @Option(help: "Freeze parameters whose names start with these prefixes, comma-separated (e.g. features or conv1,bn1,layer1).")
  var freeze: String?

  @Option(help: "Save the weights here after every epoch (safetensors), and the optimiser state beside them.")
  var save: String?

  @Option(help: "Continue a run saved with --save: weights, optimiser state and epoch count.")
  var resume: String?

  @Flag(help: "Bit-identical results for any thread count (CONVNET_NUM_THREADS): sums in a fixed order, a little slower.")
  var deterministic = false

  func validate() throws {
    guard epochs >= 1 else { throw CLIError("--epochs must be at least 1, got \(epochs)") }
    guard batchSize >= 1 else { throw CLIError("--batch-size must be at least 1, got \(batchSize)") }
    if let maxSteps, maxSteps < 1 { throw CLIError("--max-steps must be at least 1, got \(maxSteps)") }
    guard (0..<1).contains(labelSmoothing) else { throw CLIError("--label-smoothing must be in [0, 1)") }
    if let numClasses, numClasses < 1 { throw CLIError("--num-classes must be at least 1, got \(numClasses)") }
    if let inChannels, inChannels != 1 && inChannels != 3 {
      throw CLIError("--in-channels must be 1 or 3, got \(inChannels)")
    }
    if initWeights != nil && resume != nil {
      throw CLIError("--init-weights and --resume exclude each other: --resume already restores weights")
    }
  }

  func run() throws {
    Parallelism.isDeterministic = deterministic
    let architecture = try Architectures.named(arch)
    let loaded = try dataOptions.load(inputShape: architecture.inputShape, seed: seed)
    let (train, test) = fitted(loaded, to: architecture, channels: inChannels)
    let transform = try dataOptions.pixelTransform(channels: train.sampleShape[0])
    let classCount = numClasses ?? train.classCount
    guard classCount >= train.classCount else {
      throw CLIError("--num-classes \(classCount): the data has labels up to \(train.classCount - 1)")
    }

    let model = RandomSource.withSeed(seed) {
      architecture.build(inputChannels: train.sampleShape[0], classCount: classCount)
    }
    if let initWeights {
      let replaced = try FineTuning.loadPretrained(
        into: model, from: URL(fileURLWithPath: initWeights), classifierPrefix: architecture.classifierPrefix)
      printError("weights: \(initWeights)\(replaced ? " (new classifier \(architecture.classifierPrefix) for \(classCount) classes)" : "")")
    }
    if let freeze {
      let prefixes = freeze.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let frozen = try FineTuning.freeze(model, prefixes: prefixes)
      printError("frozen: \(prefixes.joined(separator: ", ")) (\(formatCount(frozen)) parameters; their batch norms keep their statistics)")
    }
    let optimizer = try makeOptimizer(parameters: model.parameters.filter(\.requiresGrad))
    var firstEpoch = 0
    if let resume {
      firstEpoch = try Checkpoint.resume(model: model, optimizer: optimizer, from: URL(fileURLWithPath: resume))
      printError("resumed from \(resume) after epoch \(firstEpoch)")
    }

    let trainLoader = try DataLoader(
      dataset: train, batchSize: batchSize, shuffle: !noShuffle, seed: seed, transform: transform,
      augmentation: dataOptions.augmentation())
    let testLoader = test.map { DataLoader(dataset: $0, batchSize: 1000, shuffle: false, transform: transform) }
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: trainLoader, testLoader: testLoader,
      classCount: classCount)
    try configureSchedule(trainer, initial: optimizer.learningRate, stepsPerEpoch: trainLoader.batchCount)
    trainer.labelSmoothing = labelSmoothing
    trainer.maximumSteps = maxSteps
    trainer.checkpointURL = (save ?? resume).map { URL(fileURLWithPath: $0) }
    trainer.architectureName = architecture.name

    let trainable = model.parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.value.count }
    printError("model: \(architecture.name), \(formatCount(model.parameterCount)) parameters (\(formatCount(trainable)) trained); \(optimizerName) lr \(optimizer.learningRate)")
    let progress = ProgressBar()
    let started = Date()
    try trainer.run(epochs: epochs, firstEpoch: firstEpoch) { event in
      switch event {
      case .step(let epoch, let step, let total, let loss, let accuracy, let rate, let remaining):
        progress.update(
          epoch: epoch, epochs: epochs, step: step, total: total, loss: loss, accuracy: accuracy,
          imagesPerSecond: rate, secondsRemaining: remaining)
      case .epoch(let epoch, let trainLoss, let trainAccuracy, let test, let seconds, _):
        var line = String(
          format: "epoch %d/%d  train loss %.4f  acc %.2f%%", epoch, epochs, trainLoss, trainAccuracy * 100)
        if let test {
          line += String(format: "  |  test loss %.4f  acc %.2f%%", test.loss, test.accuracy * 100)
        }
        line += "  (\(formatDuration(seconds)))"
        progress.finish(line)
      case .saved(let url):
        printError("saved \(url.path)")
      }
    }
    printError("done in \(formatDuration(Date().timeIntervalSince(started)))")
  }

  var optimizerName: String {
    ["sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"][optimizer.lowercased()] ?? optimizer
  }

  func makeOptimizer(parameters: [Variable]) throws -> any Optimizer {
    switch optimizer.lowercased() {
    case "sgd":
      return SGD(parameters: parameters, learningRate: lr ?? 0.05, momentum: momentum, weightDecay: weightDecay)
    case "adam":
      return Adam(parameters: parameters, learningRate: lr ?? 0.001, weightDecay: weightDecay)
    case "adamw":
      return AdamW(parameters: parameters, learningRate: lr ?? 0.001, weightDecay: weightDecay)
    case "rmsprop":
      return RMSprop(parameters: parameters, learningRate: lr ?? 0.001, weightDecay: weightDecay, momentum: momentum)
    default:
      throw CLIError("--optimizer \"\(optimizer)\": expected sgd, adam, adamw or rmsprop")
    }
  }

  /// constant: nothing; cosine: annealed to 0 over all steps, updated every step;
  /// step:N[:gamma]: multiplied by gamma every N epochs.
  func configureSchedule(_ trainer: Trainer, initial: Float, stepsPerEpoch: Int) throws {
    let parts = schedule.lowercased().split(separator: ":").map(String.init)
    switch parts.first {
    case "constant": return
    case "cosine":
      trainer.stepSchedule = CosineAnnealingLR(initial: initial, totalEpochs: epochs * stepsPerEpoch)
    case "step":
      guard parts.count >= 2, let size = Int(parts[1]), size > 0 else {
        throw CLIError("--schedule \"\(schedule)\": expected step:N[:gamma] with N ≥ 1")
      }
      let gamma = parts.count > 2 ? Float(parts[2]) : 0.1
      guard let gamma else { throw CLIError("--schedule \"\(schedule)\": gamma is not a number") }
      trainer.schedule = StepLR(initial: initial, stepSize: size, gamma: gamma)
    default:
      throw CLIError("--schedule \"\(schedule)\": expected constant, cosine or step:N[:gamma]")
    }
  }
}
