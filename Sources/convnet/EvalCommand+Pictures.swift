import ArgumentParser
import ConvNet
import Foundation

/// `convnet eval`'s picture options: the confusion matrix and the most confident mistakes.
struct EvalPictureOptions: ParsableArguments {
  @Option(help: "Write the confusion matrix as a PNG heat map (class names when the data has them).")
  var confusionPng: String?

  @Option(
    help:
      "Write a PNG grid of the test images classified wrong with the highest probability, with true and predicted labels."
  )
  var mistakesPng: String?

  @Option(help: "How many mistakes --mistakes-png shows.")
  var mistakes = 32

  func validate() throws {
    guard (1...1000).contains(mistakes) else { throw CLIError("--mistakes must be 1…1000, got \(mistakes)") }
  }
}

extension EvalCommand {
  /// Writes the pictures asked for with --confusion-png and --mistakes-png.
  func writePictures(
    model: any Module, loader: DataLoader, test: any LabeledImageDataset, result: EvaluationResult,
    classCount: Int
  ) throws {
    let classNames = RunDescription.Dataset.classNames(of: test)
    if let path = pictureOptions.confusionPng {
      let canvas = try ConfusionMatrixPicture.render(result, classNames: classNames)
      try canvas.writePNG(to: URL(fileURLWithPath: path))
      printError("wrote \(path) (\(canvas.width)×\(canvas.height))")
    }
    if let path = pictureOptions.mistakesPng {
      let found = mostConfidentMistakes(
        model, on: loader, classCount: classCount, limit: pictureOptions.mistakes)
      guard !found.isEmpty else {
        printError("no mistakes on \(test.name): \(path) not written")
        return
      }
      let canvas = try MistakesPicture.render(found, from: test, classNames: classNames)
      try canvas.writePNG(to: URL(fileURLWithPath: path))
      printError("wrote \(path) (\(found.count) mistakes, \(canvas.width)×\(canvas.height))")
    }
  }
}
