import ArgumentParser
import ConvNet
import Foundation

struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw a run's loss and accuracy curves, train against test, as a PNG picture.",
    discussion: """
      HISTORY is what `convnet train` recorded: the checkpoint given to --save (its \
      .history.jsonl beside it is read), that .history.jsonl itself, or a run folder \
      runs/<arch>-<time>/.
      """)

  @Argument(help: "The run's history: a .history.jsonl file, a checkpoint (.safetensors) or a run folder.")
  var history: String

  @Option(help: "The PNG file to write.")
  var out = "curves.png"

  @Option(help: "Picture size WIDTHxHEIGHT in pixels.")
  var size = "1200x480"

  func run() throws {
    let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, (400...8000).contains(parts[0]), (200...8000).contains(parts[1]) else {
      throw CLIError(
        "--size \"\(size)\": expected WIDTHxHEIGHT with width 400…8000 and height 200…8000, e.g. 1200x480")
    }
    let record = try RunRecord.locate(URL(fileURLWithPath: history))
    guard FileManager.default.fileExists(atPath: record.historyURL.path) else {
      throw CLIError("\(history): no training history (looked for \(record.historyURL.path))")
    }
    let loaded = try record.loadHistory()
    guard !loaded.entries.isEmpty else {
      throw CLIError("\(record.historyURL.path): the history has no lines yet")
    }
    let canvas = try TrainingCurves.render(
      loaded, title: title(loaded, description: try? record.loadDescription()), width: parts[0],
      height: parts[1])
    try canvas.writePNG(to: URL(fileURLWithPath: out))
    print("wrote \(out) (\(canvas.width)×\(canvas.height)) from \(record.historyURL.path)")
  }

  /// "lenet5 on mnist train · 3 epochs · test accuracy 98.91%".
  private func title(_ history: TrainingHistory, description: RunDescription?) -> String? {
    var parts: [String] = []
    if let description {
      parts.append(description.architecture + (description.dataset.map { " on \($0.name)" } ?? ""))
    }
    if let last = history.epochs.last {
      parts.append("\(last.epoch) epoch\(last.epoch == 1 ? "" : "s")")
      if let accuracy = last.testAccuracy {
        parts.append(String(format: "test accuracy %.2f%%", accuracy * 100))
      }
    }
    return parts.isEmpty ? nil : parts.joined(separator: " · ")
  }
}
