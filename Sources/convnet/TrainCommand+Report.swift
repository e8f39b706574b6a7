import ArgumentParser
import ConvNet
import Foundation

/// `convnet train --report FILE`: the HTML report written when training ends.
struct ReportOptions: ParsableArguments {
  @Option(help: "When training ends, write an HTML report of the run here (as `convnet report` does).")
  var report: String?

  func validate() throws {
    guard let report else { return }
    let folder = URL(fileURLWithPath: report).deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw CLIError("--report \(report): the folder \(folder.path) does not exist")
    }
  }
}

extension TrainCommand {
  /// Writes the report of the run that just ended, from the model in memory and the run's
  /// recorded description and history.
  func writeReport(
    record: RunRecord, architecture: Architecture, model: any Module, test: (any LabeledImageDataset)?,
    transform: PixelTransform, classCount: Int
  ) throws {
    guard let path = reportOptions.report else { return }
    let history: ReportPart<TrainingHistory>
    do {
      history = .shown(try record.loadHistory())
    } catch {
      history = .missing(reason: "No training history: \(error)")
    }
    var maker = TrainingReportMaker(
      description: try? record.loadDescription(), history: history, architecture: architecture.name,
      model: model,
      testSet: test.map { .shown($0) }
        ?? .missing(
          reason: "The run had no test set (no test split and no --val-split), so nothing was evaluated."),
      transform: transform, classCount: classCount)
    maker.runLocation = (save ?? resume) ?? record.descriptionURL.deletingLastPathComponent().path
    printError("report: evaluating on \(test?.name ?? "no test set") …")
    try maker.make().write(to: URL(fileURLWithPath: path))
    printError("report: \(path)")
  }
}
