import ArgumentParser
import ConvNet
import Foundation

/// `convnet train`'s options for recording a run: history, run folder, TensorBoard.
struct HistoryOptions: ParsableArguments {
  @Option(
    help:
      "Write a history line (loss, accuracy, learning rate, images/s) every this many optimiser steps, besides one per epoch; 0 for epoch lines only."
  )
  var historyEvery = 50

  @Option(
    help:
      "Without --save, the run's history.jsonl and run.json go into a new folder <arch>-<yyyyMMdd-HHmmss> here."
  )
  var runsDir = "runs"

  @Option(
    help:
      "Also write TensorBoard event files into this folder (scalars per history line, a feature-map grid per epoch)."
  )
  var tensorboard: String?

  func validate() throws {
    guard historyEvery >= 0 else { throw CLIError("--history-every must be 0 or more, got \(historyEvery)") }
  }
}

extension TrainCommand {
  /// Starts recording the run: its description, history and (with --tensorboard) event files.
  /// Where: beside the --save (or --resume) checkpoint, else in a new folder under --runs-dir.
  /// TensorBoard gets a feature-map grid of the first test image (else training image) per epoch.
  func startRecording(run: TrainingRun) throws -> TrainingRunRecorder {
    let stepsPerEpoch = run.trainLoader.batchCount
    let started = Date()
    let checkpoint = (save ?? resume).map { URL(fileURLWithPath: $0) }
    let record =
      checkpoint.map { RunRecord.beside(checkpoint: $0) }
      ?? RunRecord.inFolder(
        RunRecord.newFolder(
          architecture: run.architecture.name, started: started,
          in: URL(fileURLWithPath: historyOptions.runsDir)))
    // The options given, and what those left out stand for (defaults or values from a checkpoint).
    let settings = commandSettings(of: self).merging(flagSettings(of: run.configuration)) { _, resolved in
      resolved
    }
    let tensorBoardDirectory = historyOptions.tensorboard.map { URL(fileURLWithPath: $0) }
    let description = RunDescription(
      architecture: run.architecture.name, parameterCount: run.model.parameterCount, settings: settings,
      dataset: RunDescription.Dataset(train: run.data.train, test: run.data.test),
      command: CommandLine.arguments, started: started, convnetCommit: buildCommit(),
      weights: checkpoint?.path, tensorboard: tensorBoardDirectory?.path, configuration: run.configuration)
    let optimizer = run.optimizer
    let recorder = HistoryRecorder(
      stepsPerEpoch: stepsPerEpoch, stepInterval: historyOptions.historyEvery,
      batchSize: run.configuration.batchSize, samplesPerEpoch: run.data.train.count,
      learningRate: { optimizer.learningRate })
    let runRecorder = try TrainingRunRecorder(
      record: record, description: description, resumedAfterEpoch: run.resumed?.state.epoch,
      recorder: recorder,
      tensorBoardDirectory: tensorBoardDirectory, createsFolder: checkpoint == nil)
    runRecorder.onError = { printError("warning: recording the run: \($0)") }
    if tensorBoardDirectory != nil {
      let snapshot = FeatureMapSnapshot(model: run.model, sample: 0, of: run.testLoader ?? run.trainLoader)
      runRecorder.epochImages = { _ in try snapshot.images() }
    }
    printError("history: \(record.historyURL.path)")
    if let url = runRecorder.tensorBoardFileURL { printError("tensorboard: \(url.path)") }
    return runRecorder
  }
}

/// Every option of a parsed command by its flag name ("batch-size": "64"), defaults included,
/// option groups flattened; unset optional options are left out.
///
/// ArgumentParser keeps a parsed value in each property wrapper's `_parsedValue` (`.value(x)`
/// once parsed); reading it by reflection records options that other code adds later without
/// a list to keep in step.
func commandSettings(of command: Any) -> [String: String] {
  var settings: [String: String] = [:]
  for child in Mirror(reflecting: command).children {
    guard let label = child.label, label.hasPrefix("_") else { continue }
    guard let parsed = Mirror(reflecting: child.value).children.first(where: { $0.label == "_parsedValue" }),
      let value = Mirror(reflecting: parsed.value).children.first(where: { $0.label == "value" })?.value
    else { continue }
    if value is ParsableArguments {
      settings.merge(commandSettings(of: value)) { old, _ in old }
      continue
    }
    let optional = Mirror(reflecting: value)
    if optional.displayStyle == .optional {
      guard let wrapped = optional.children.first?.value else { continue }
      settings[flagName(String(label.dropFirst()))] = "\(wrapped)"
    } else {
      settings[flagName(String(label.dropFirst()))] = "\(value)"
    }
  }
  return settings
}

/// "batchSize" → "batch-size", as ArgumentParser spells the flag.
private func flagName(_ property: String) -> String {
  var name = ""
  for character in property {
    if character.isUppercase {
      name += "-" + character.lowercased()
    } else {
      name.append(character)
    }
  }
  return name
}

/// The git commit of the source tree this program was built in, when it still lies there
/// (the executable sits in `.build/…` inside the checkout), else nil.
private func buildCommit() -> String? {
  guard let executable = Bundle.main.executableURL else { return nil }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["git", "-C", executable.deletingLastPathComponent().path, "rev-parse", "HEAD"]
  let output = Pipe()
  process.standardOutput = output
  process.standardError = FileHandle.nullDevice
  do {
    try process.run()
  } catch {
    return nil
  }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  return process.terminationStatus == 0 && commit.count == 40 ? commit : nil
}
