import ArgumentParser
import ConvNet
import Foundation

extension TrainCommand {
  /// The numbers that steer the optimiser, refused when they cannot train: not finite,
  /// negative, or a momentum of 1 or more (each step would then grow without bound).
  func validateHyperparameters() throws {
    if let lr, !(lr.isFinite && lr >= 0) {
      throw CLIError("--lr must be a finite number ≥ 0, got \(lr)")
    }
    guard momentum.isFinite && momentum >= 0 && momentum < 1 else {
      throw CLIError(
        "--momentum must be in [0, 1), got \(momentum)\(momentum >= 1 ? ": at 1 or more every step adds to a velocity that never decays" : "")")
    }
    guard weightDecay.isFinite && weightDecay >= 0 else {
      throw CLIError("--weight-decay must be a finite number ≥ 0, got \(weightDecay)")
    }
    let parts = schedule.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    switch parts.first {
    case "constant", "cosine":
      guard parts.count == 1 else { throw CLIError("--schedule \"\(schedule)\": \(parts[0]) takes no parameters") }
    case "step":
      guard (2...3).contains(parts.count), let size = Int(parts[1]), size > 0 else {
        throw CLIError("--schedule \"\(schedule)\": expected step:N[:gamma] with N ≥ 1")
      }
      if parts.count == 3 {
        guard let gamma = Float(parts[2]), gamma.isFinite, gamma >= 0 else {
          throw CLIError("--schedule \"\(schedule)\": gamma must be a finite number ≥ 0, got \"\(parts[2])\"")
        }
      }
    default:
      throw CLIError("--schedule \"\(schedule)\": expected constant, cosine or step:N[:gamma]")
    }
    guard ["sgd", "adam", "adamw", "rmsprop"].contains(optimizer.lowercased()) else {
      throw CLIError("--optimizer \"\(optimizer)\": expected sgd, adam, adamw or rmsprop")
    }
    try dataOptions.validateImageSize(for: arch)
    if let initWeights { try checkReadableFile(initWeights, option: "--init-weights") }
    if let freeze, freeze.split(separator: ",").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
      throw CLIError("--freeze \"\(freeze)\": expected parameter-name prefixes separated by commas, e.g. features")
    }
  }

  /// Everything that can be checked before the model is built and the first step runs:
  /// image shapes of both splits, the memory the run needs, and the input channels of
  /// --init-weights. (`Preflight` in the library does the checking.)
  func preflight(
    architecture: Architecture, train: any LabeledImageDataset, test: (any LabeledImageDataset)?,
    classCount: Int
  ) throws {
    do {
      try Preflight.checkTraining(
        architecture: architecture, train: train, test: test, classCount: classCount,
        batchSize: batchSize, evaluationBatchSize: 1000)
    } catch let error as MemoryLimitError {
      throw CLIError("\(error.description); reduce --batch-size, --image-size or --num-classes")
    }
    if let initWeights {
      let probe = RandomSource.withSeed(0) { architecture.build(inputChannels: train.sampleShape[0], classCount: 1) }
      try Preflight.checkInputChannels(
        ofWeightsAt: URL(fileURLWithPath: initWeights), model: probe, inputChannels: train.sampleShape[0])
    }
  }
}

/// Refuses a path given to `option` that is missing, a directory or not a regular file (a
/// FIFO would block the read forever).
func checkReadableFile(_ path: String, option: String) throws {
  var status = stat()
  guard stat(path, &status) == 0 else {
    throw CLIError("\(option) \(path): \(String(cString: strerror(errno)))")
  }
  switch status.st_mode & S_IFMT {
  case S_IFREG: return
  case S_IFDIR: throw CLIError("\(option) \(path): is a directory, expected a file")
  default: throw CLIError("\(option) \(path): not a regular file (a FIFO, socket or device)")
  }
}
