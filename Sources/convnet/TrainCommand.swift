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

  // Options that describe the run fill a `TrainingConfiguration` (TrainCommand+Configuration.swift);
  // those left out take its defaults — or, with --resume, what the checkpoint recorded.
  @Option(help: "The architecture to train (default: \(TrainingConfiguration().architecture)).")
  var arch: String?

  @OptionGroup var dataOptions: DataOptions

  @OptionGroup(title: "Report") var reportOptions: ReportOptions

  @Option(
    parsing: .unconditional,
    help: "Passes over the training set (default: \(TrainingConfiguration().epochs)).")
  var epochs: Int?

  @Option(
    parsing: .unconditional,
    help:
      "Samples per mini-batch (default: \(TrainingConfiguration().batchSize); under mpirun: the global batch, split over the processes)."
  )
  var batchSize: Int?

  @Option(
    help: "\(OptimizerChoice.Kind.namesList) (default: \(TrainingConfiguration().optimizer.kind.rawValue)).")
  var optimizer: String?

  @Option(parsing: .unconditional, help: "Learning rate (default: 0.05 for SGD, 0.001 for the others).")
  var lr: Float?

  @Option(
    parsing: .unconditional,
    help: "SGD/RMSprop momentum (default: \(TrainingConfiguration().optimizer.momentum)).")
  var momentum: Float?

  @Option(parsing: .unconditional, help: "Weight decay (L2 regularisation; decoupled for AdamW; default: 0).")
  var weightDecay: Float?

  @Option(
    help:
      "Learning-rate schedule: cosine (annealed to 0 over the run, per step; the default), constant, or step:N[:gamma] (×gamma every N epochs)."
  )
  var schedule: String?

  @Option(
    parsing: .unconditional, help: "Label smoothing for the cross-entropy loss, in [0, 1) (default: 0).")
  var labelSmoothing: Float?

  @Option(
    parsing: .unconditional,
    help: "Seed for weight initialisation and shuffling (default: \(TrainingConfiguration().seed)).")
  var seed: UInt64?

  @Flag(help: "Keep the training samples in file order.")
  var noShuffle = false

  @Option(
    parsing: .unconditional,
    help: "Stop after this many optimiser steps in all (this session's limit; --resume does not keep it).")
  var maxSteps: Int?

  @Option(
    help:
      "Start from these weights (safetensors), e.g. trained in PyTorch. With another class count, the classifier is replaced."
  )
  var initWeights: String?

  @Option(parsing: .unconditional, help: "Number of classes of the final layer (default: the dataset's).")
  var numClasses: Int?

  @Option(
    parsing: .unconditional,
    help: "Input channels of the network (default: the dataset's); images are converted.")
  var inChannels: Int?

  @Option(
    help:
      "Freeze parameters whose names start with these prefixes, comma-separated (e.g. features or conv1,bn1,layer1)."
  )
  var freeze: String?

  @Option(
    help:
      "Fine-tune an ONNX model instead of --arch: its initializers are the starting weights, saved under their ONNX names (TrainCommand+ONNX.swift)."
  )
  var model: String?

  // Checkpoints, resume and Ctrl-C: logic in TrainCommand+Checkpoint.swift.
  @Option(
    help:
      "Save a checkpoint here after every epoch: one safetensors file with the weights (PyTorch keys), the optimiser state (keys optimizer.*) and the training position. Ctrl-C saves too."
  )
  var save: String?

  @Option(help: "Also save every this many optimiser steps (mid-epoch).")
  var saveEvery: Int?

  @Option(
    help:
      "Continue a run saved with --save, from the exact step it stopped at (bit-identical to an uninterrupted run). Options left out are taken from the checkpoint; a larger --epochs extends a finished run with a new cosine cycle."
  )
  var resume: String?

  @Flag(
    help:
      "Bit-identical results for any thread count (CONVNET_NUM_THREADS): sums in a fixed order, a little slower."
  )
  var deterministic = false

  @OptionGroup var historyOptions: HistoryOptions

  #if CONVNET_MPI
    // Data-parallel training under mpirun: TrainCommand+Distributed.swift.
    @OptionGroup(title: "Distributed training (under mpirun)") var distributedOptions: DistributedOptions
  #endif

  func validate() throws {
    if initWeights != nil && resume != nil {
      throw CLIError("--init-weights and --resume exclude each other: --resume already restores weights")
    }
    if let initWeights { try checkReadableFile(initWeights, option: "--init-weights") }
    try validateImportedModel()
    // Every value given is checked against the defaults; with --resume the run later checks the
    // configuration it adopts from the checkpoint as well.
    try namingFlags { try configuration(base: TrainingConfiguration()).validate() }
  }

  /// The run; `run()` (TrainCommand+Checkpoint.swift) reports an interruption.
  func train() throws {
    try startDistributedRun()
    let checkpointURL = try prepareCheckpointDestination()
    let recorded = try recordedConfiguration()
    var configuration = try namingFlags {
      let configuration = try self.configuration(base: recorded ?? TrainingConfiguration())
      try configuration.validate()
      return configuration
    }
    if let recorded { try checkSettingsMatch(configuration, recorded: recorded) }
    let imported = try importedArchitecture(adjusting: &configuration)
    let architecture = try imported ?? Architectures.named(configuration.architecture)
    let data = try DataOptions.load(configuration, architecture: architecture)
    let run: TrainingRun
    do {
      run = try namingFlags {
        try TrainingRun(
          configuration: configuration, data: data, resumingFrom: resume.map { URL(fileURLWithPath: $0) },
          shard: dataShard, evaluates: isLeadProcess, architecture: imported)
      }
    } catch let error as MemoryLimitError {
      throw CLIError("\(error.description); reduce --batch-size, --image-size or --num-classes")
    }
    let model = run.model
    let optimizer = run.optimizer
    if let initWeights {
      let replaced = run.replacedClassifier
      printError(
        "weights: \(initWeights)\(replaced ? " (new classifier \(architecture.classifierPrefix) for \(run.classCount) classes)" : "")"
      )
    }
    if !configuration.frozenPrefixes.isEmpty {
      printError(
        "frozen: \(configuration.frozenPrefixes.joined(separator: ", ")) (\(formatCount(run.frozenParameterCount)) parameters; their batch norms keep their statistics)"
      )
    }
    if let resume, let loaded = run.resumed {
      if loaded.isLegacy {
        printError(
          "\(resume): a checkpoint of an earlier version (weights and optimiser in two files): continuing "
            + "after epoch \(loaded.state.epoch) with the current settings; dropout/augmentation streams restart"
        )
      }
      printError(run.plan.summary)
    }
    if run.plan.action == .nothingToDo { return }

    let trainer = run.trainer
    trainer.checkpointURL = checkpointURL
    trainer.checkpointInterval = saveEvery
    try joinDistributedRun(trainer)

    let trainable = model.parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.value.count }
    printError(
      "model: \(architecture.name), \(formatCount(model.parameterCount)) parameters (\(formatCount(trainable)) trained); \(configuration.optimizer.kind.displayName) lr \(optimizer.learningRate)"
    )
    let runRecorder = isLeadProcess ? try startRecording(run: run) : nil
    let epochs = configuration.epochs
    let progress = ProgressBar()
    let started = Date()
    // Stays installed to the end: a Ctrl-C after the last step only lets the program finish.
    trainer.interruptRequest = installInterruptHandler()
    _ = try namingFlags {
      try run.run { event in
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
    }
    reportDistributedRun()
    printError("done in \(formatDuration(Date().timeIntervalSince(started)))")
    guard let runRecorder else { return }
    try writeReport(
      record: runRecorder.record, architecture: architecture, model: model, test: run.data.test,
      transform: run.transform, classCount: run.classCount)
  }
}
