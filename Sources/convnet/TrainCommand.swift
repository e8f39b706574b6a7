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

  @OptionGroup(title: "Report") var reportOptions: ReportOptions

  @Option(parsing: .unconditional, help: "Passes over the training set.")
  var epochs = 2

  @Option(parsing: .unconditional, help: "Samples per mini-batch (under mpirun: the global batch, split over the processes).")
  var batchSize = 64

  @Option(help: "sgd, adam, adamw or rmsprop.")
  var optimizer = "sgd"

  @Option(parsing: .unconditional, help: "Learning rate (default: 0.05 for SGD, 0.001 for the others).")
  var lr: Float?

  @Option(parsing: .unconditional, help: "SGD/RMSprop momentum.")
  var momentum: Float = 0.9

  @Option(parsing: .unconditional, help: "Weight decay (L2 regularisation; decoupled for AdamW).")
  var weightDecay: Float = 0

  @Option(help: "Learning-rate schedule: cosine (annealed to 0 over the run, per step), constant, or step:N[:gamma] (×gamma every N epochs).")
  var schedule = "cosine"

  @Option(parsing: .unconditional, help: "Label smoothing for the cross-entropy loss, in [0, 1).")
  var labelSmoothing: Float = 0

  @Option(parsing: .unconditional, help: "Seed for weight initialisation and shuffling.")
  var seed: UInt64 = 1

  @Flag(help: "Keep the training samples in file order.")
  var noShuffle = false

  @Option(parsing: .unconditional, help: "Stop after this many optimiser steps in all.")
  var maxSteps: Int?

  @Option(help: "Start from these weights (safetensors), e.g. trained in PyTorch. With another class count, the classifier is replaced.")
  var initWeights: String?

  @Option(parsing: .unconditional, help: "Number of classes of the final layer (default: the dataset's).")
  var numClasses: Int?

  @Option(parsing: .unconditional, help: "Input channels of the network (default: the dataset's); images are converted.")
  var inChannels: Int?

  @Option(help: "Freeze parameters whose names start with these prefixes, comma-separated (e.g. features or conv1,bn1,layer1).")
  var freeze: String?

  // Checkpoints, resume and Ctrl-C: logic in TrainCommand+Checkpoint.swift.
  @Option(help: "Save a checkpoint here after every epoch: one safetensors file with the weights (PyTorch keys), the optimiser state (keys optimizer.*) and the training position. Ctrl-C saves too.")
  var save: String?

  @Option(help: "Also save every this many optimiser steps (mid-epoch).")
  var saveEvery: Int?

  @Option(help: "Continue a run saved with --save, from the exact step it stopped at (bit-identical to an uninterrupted run with the same options). A larger --epochs extends a finished run with a new cosine cycle.")
  var resume: String?

  @Flag(help: "Bit-identical results for any thread count (CONVNET_NUM_THREADS): sums in a fixed order, a little slower.")
  var deterministic = false

  @OptionGroup var historyOptions: HistoryOptions

  #if CONVNET_MPI
    // Data-parallel training under mpirun: TrainCommand+Distributed.swift.
    @OptionGroup(title: "Distributed training (under mpirun)") var distributedOptions: DistributedOptions
  #endif

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
    try validateHyperparameters()
  }

  /// The run; `run()` (TrainCommand+Checkpoint.swift) reports an interruption.
  func train() throws {
    Parallelism.isDeterministic = deterministic
    try startDistributedRun()
    let checkpointURL = try prepareCheckpointDestination()
    let architecture = try Architectures.named(arch)
    let loaded = try dataOptions.load(inputShape: architecture.inputShape, seed: seed)
    let (train, test) = fitted(loaded, to: architecture, channels: inChannels)
    let transform = try dataOptions.pixelTransform(channels: train.sampleShape[0])
    let classCount = numClasses ?? train.classCount
    guard classCount >= train.classCount else {
      throw CLIError("--num-classes \(classCount): the data has labels up to \(train.classCount - 1)")
    }
    try preflight(architecture: architecture, train: train, test: test, classCount: classCount)

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
    let settings = runSettings(learningRate: optimizer.learningRate)
    let saved = try resumeState(model: model, optimizer: optimizer, settings: settings)
    let plan = try ResumePlan.make(
      saved: saved, epochs: epochs, maximumSteps: maxSteps, cosine: schedule.lowercased() == "cosine")
    if saved != nil { printError(plan.summary) }
    if plan.action == .nothingToDo { return }

    var trainLoader = try DataLoader(
      dataset: train, batchSize: batchSize, shuffle: !noShuffle, seed: seed, transform: transform,
      augmentation: dataOptions.augmentation())
    trainLoader.shard = dataShard
    let testLoader = test.map { DataLoader(dataset: $0, batchSize: 1000, shuffle: false, transform: transform) }
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: trainLoader, testLoader: isLeadProcess ? testLoader : nil,
      classCount: classCount)
    try configureSchedule(
      trainer, initial: optimizer.learningRate, stepsPerEpoch: trainLoader.batchCount, cycles: plan.cycles)
    trainer.labelSmoothing = labelSmoothing
    trainer.maximumSteps = maxSteps
    trainer.checkpointURL = checkpointURL
    trainer.checkpointInterval = saveEvery
    trainer.architectureName = architecture.name
    trainer.cycles = plan.cycles
    trainer.settings = settings
    try joinDistributedRun(trainer)

    let trainable = model.parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.value.count }
    printError("model: \(architecture.name), \(formatCount(model.parameterCount)) parameters (\(formatCount(trainable)) trained); \(optimizerName) lr \(optimizer.learningRate)")
    let runRecorder = isLeadProcess ? try startRecording(
      architecture: architecture, model: model, optimizer: optimizer, train: train, test: test,
      trainLoader: trainLoader, testLoader: testLoader, resumedAfterEpoch: saved?.epoch) : nil
    let progress = ProgressBar()
    let started = Date()
    // Stays installed to the end: a Ctrl-C after the last step only lets the program finish.
    trainer.interruptRequest = installInterruptHandler()
    try trainer.run(epochs: epochs, resumingFrom: saved) { event in
      runRecorder?.handle(event)
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
    reportDistributedRun()
    printError("done in \(formatDuration(Date().timeIntervalSince(started)))")
    guard let runRecorder else { return }
    try writeReport(
      record: runRecorder.record, architecture: architecture, model: model, test: test, transform: transform,
      classCount: classCount)
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

  /// constant: nothing; cosine: annealed to 0 over each cycle of `cycles` (epoch boundaries; one
  /// cycle over all epochs unless a finished run is extended), updated every step;
  /// step:N[:gamma]: multiplied by gamma every N epochs.
  func configureSchedule(_ trainer: Trainer, initial: Float, stepsPerEpoch: Int, cycles: [Int]) throws {
    let parts = schedule.lowercased().split(separator: ":").map(String.init)
    switch parts.first {
    case "constant": return
    case "cosine":
      trainer.stepSchedule = CosineCycles(initial: initial, boundaries: cycles.map { $0 * max(1, stepsPerEpoch) })
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
