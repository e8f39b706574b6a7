import ArgumentParser
import ConvNet
import Foundation

struct TranslateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "translate",
    abstract: "Translate sentences with weights saved by `convnet train-translate --save`.",
    discussion: """
      The weights carry both vocabularies, so the text is cut into the same tokens as in \
      training (unknown words become <unk>). Each sentence is translated on a line of its own.
      """)

  @Option(help: "Weights written by `convnet train-translate --save`.")
  var weights: String

  @Option(help: "Beam width (1: greedy decoding).")
  var beam = 4

  @Option(name: .customLong("max-length"), help: "At most this many target tokens per translation.")
  var maxLength = 64

  @Argument(help: "The sentences to translate.")
  var sentences: [String]

  func validate() throws {
    try checkReadableFile(weights, option: "--weights")
    guard beam >= 1 else { throw CLIError("--beam \(beam): expected at least 1") }
    guard maxLength >= 1 else { throw CLIError("--max-length \(maxLength): expected at least 1") }
    guard !sentences.isEmpty else { throw CLIError("give at least one sentence to translate") }
  }

  func run() throws {
    let translator = try Translator(contentsOf: URL(fileURLWithPath: weights))
    for sentence in sentences {
      let translation = try translator.translate([sentence], beamWidth: beam, maximumLength: maxLength)
      print(translation[0])
    }
  }
}
