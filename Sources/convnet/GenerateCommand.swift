import ArgumentParser
import ConvNet
import Foundation

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write text with a language model trained by `convnet train-lm`.",
    discussion: """
      The model starts as at the beginning of a document, reads the prompt, then draws one \
      token at a time until it ends the document or --length tokens are written. Sampling: \
      --greedy takes the likeliest token; otherwise the logits are divided by --temperature, \
      cut to the --top-k likeliest tokens and/or the smallest set whose probability reaches \
      --top-p, and a token is drawn. The same --seed gives the same text.
      """)

  @Option(help: "The weights saved by `convnet train-lm --save` (they carry the vocabulary).")
  var weights: String

  @Option(help: "The text to continue (every character must be in the vocabulary).")
  var prompt = ""

  @Option(help: "Tokens to generate at most.")
  var length = 100

  @Option(help: "Softmax temperature (< 1: safer, > 1: more varied).")
  var temperature: Float = 1

  @Option(name: .customLong("top-k"), help: "Draw only among the k likeliest tokens.")
  var topK: Int?

  @Option(
    name: .customLong("top-p"), help: "Draw only among the likeliest tokens whose probability sums to p.")
  var topP: Float?

  @Flag(help: "Always take the likeliest token (no sampling).")
  var greedy = false

  @Option(help: "Seeds the sampling.")
  var seed: UInt64 = 1

  @Option(help: "How many texts to write (each continues the same random stream).")
  var count = 1

  func validate() throws {
    try checkReadableFile(weights, option: "--weights")
    guard length >= 1 else { throw CLIError("--length \(length): expected at least 1") }
    guard count >= 1 else { throw CLIError("--count \(count): expected at least 1") }
    guard temperature.isFinite && temperature > 0 else {
      throw CLIError("--temperature \(temperature): expected a number > 0")
    }
    if let topK, topK < 1 { throw CLIError("--top-k \(topK): expected at least 1") }
    if let topP, !(topP > 0 && topP <= 1) { throw CLIError("--top-p \(topP): expected a number in (0, 1]") }
  }

  func run() throws {
    let model = try LanguageModelGenerator(weightsAt: URL(fileURLWithPath: weights))
    let sampler = try makeSampler()
    var generator = SeededGenerator(seed: seed)
    for index in 0..<count {
      if count > 1 { print(index == 0 ? "[1]" : "\n[\(index + 1)]") }
      do {
        print(try model.generate(prompt: prompt, length: length, sampler: sampler, generator: &generator))
      } catch let error as DataError where error.file == "prompt" {
        throw CLIError("--prompt \(error.field) \(error.problem)")
      }
    }
  }
}

extension GenerateCommand {
  /// The sampler of the options; the library's setting errors named by their flags.
  func makeSampler() throws -> TokenSampler {
    if greedy { return .greedy }
    do {
      return try TokenSampler(temperature: temperature, topK: topK, topP: topP)
    } catch let error as SettingError {
      let flags = ["temperature": "--temperature", "topK": "--top-k", "topP": "--top-p"]
      throw CLIError("\(flags[error.setting] ?? error.setting) \(error.detail)")
    }
  }
}
