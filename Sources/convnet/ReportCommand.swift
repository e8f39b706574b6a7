import ArgumentParser
import ConvNet
import Foundation

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Write one self-contained HTML page about a training run: settings, model, curves, confusion matrix, predictions, feature maps, Grad-CAM.",
    discussion: """
      --run is what `convnet train` recorded: its run folder (runs/<arch>-<time>/), or the \
      checkpoint it saved with --save (PATH.safetensors, beside PATH.run.json and \
      PATH.history.jsonl). The test set is read again as the run's command read it (run the \
      report where training ran when --data was a relative path). The page embeds every \
      picture and fetches nothing: open it offline, mail it, or attach it to an issue.
      """)

  @Option(
    name: .customLong("run"),
    help: "The run: a run folder, its checkpoint (.safetensors), or its .run.json / .history.jsonl.")
  var runPath: String

  @Option(help: "The HTML file to write.")
  var out = "report.html"

  @Option(help: "Report on these weights instead of the run's checkpoint (safetensors).")
  var weights: String?

  func run() throws {
    let record = try RunRecord.locate(URL(fileURLWithPath: runPath))
    let description = try record.loadDescription()
    let history: ReportPart<TrainingHistory>
    do {
      history = .shown(try record.loadHistory())
    } catch {
      history = .missing(reason: "No training history: \(error)")
    }
    guard let weightsURL = weights.map({ URL(fileURLWithPath: $0) }) ?? record.weightsURL else {
      throw CLIError(
        "\(record.descriptionURL.path): the run saved no weights (train with --save PATH.safetensors), so there is no model to report on; pass --weights"
      )
    }
    guard FileManager.default.fileExists(atPath: weightsURL.path) else {
      throw CLIError("\(weightsURL.path): no such weights file (pass --weights)")
    }

    // The run's configuration as recorded; a run.json of an earlier version has only its command.
    let configuration =
      try description.configuration
      ?? trainingCommand(of: description, at: record.descriptionURL).configuration(
        base: TrainingConfiguration())
    let architecture = try Architectures.named(description.architecture)
    let data = try DataOptions.load(configuration, architecture: architecture)
    let test = data.test
    let channels = data.train.sampleShape[0]
    let transform = try namingFlags { try configuration.normalization.pixelTransform(channels: channels) }
    let classCount = try architecture.classCount(ofWeightsAt: weightsURL)
    let model = architecture.build(inputChannels: channels, classCount: classCount)
    try Checkpoint.loadWeights(into: model, from: weightsURL)

    var maker = TrainingReportMaker(
      description: description, history: history, architecture: architecture.name, model: model,
      testSet: test.map { .shown($0) }
        ?? .missing(
          reason: "The run had no test set (no test split and no --val-split), so nothing was evaluated."),
      transform: transform, classCount: classCount)
    maker.runLocation = runPath
    let output = URL(fileURLWithPath: out)
    printError(
      "evaluating \(architecture.name) (\(weightsURL.lastPathComponent)) on \(test?.name ?? "no test set") …")
    try maker.make().write(to: output)
    printError("wrote \(output.path)")
  }

  /// The `train` command the run was started with, parsed again (its data options, seed and
  /// channels say how to read the test set) — for a run.json without a configuration.
  private func trainingCommand(of description: RunDescription, at path: URL) throws -> TrainCommand {
    let words = description.command
    guard let index = words.firstIndex(of: "train") else {
      throw CLIError("\(path.path): field \"command\" does not hold a `convnet train` command line")
    }
    // The run's own --report path is left out: its folder is checked when the command is
    // parsed, and it may not exist where the report is made now (nor matter to it).
    var arguments: [String] = []
    var rest = words[(index + 1)...].makeIterator()
    while let word = rest.next() {
      if word == "--report" {
        _ = rest.next()
        continue
      }
      if word.hasPrefix("--report=") { continue }
      arguments.append(word)
    }
    do {
      return try TrainCommand.parse(arguments)
    } catch {
      throw CLIError(
        "\(path.path): the recorded command cannot be read again: \(TrainCommand.message(for: error))")
    }
  }
}
