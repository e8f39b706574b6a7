import ArgumentParser
import ConvNet

/// `convnet explain …`: the course's worked examples, computed by the library and printed in
/// English or Chinese. Parsing and printing only; the explanations live in ConvNetExplain.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract:
      "The course as a tool: convolution, pooling, backpropagation, parameters and activations, step by step (en/zh).",
    discussion: """
      Every number printed is computed by the library — output sizes by the same geometry the \
      kernels use, parameter counts by the layers' own formulas, sliding-window results checked \
      against the real conv2d / pooling kernels and gradients against autograd.

      Small tensors are typed as numbers: spaces or commas between numbers, ";" between rows, \
      "|" between channels, "/" between filters. Quote them for the shell.

      Examples:
        convnet explain conv --input 7x7 --kernel 3 --stride 2
        convnet explain conv --values "0 1 1 0; 0 1 1 0" --weights "0 1; 0 1"
        convnet explain pool --kind max --values "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"
        convnet explain backward --values "1 2 3; 4 5 6; 7 8 9" --weights "1 0; 0 -1"
        convnet explain params --arch lenet5-1998 --lang zh
        convnet explain activation sigmoid
      """,
    subcommands: [
      ExplainConvCommand.self, ExplainPoolCommand.self, ExplainBackwardCommand.self,
      ExplainParamsCommand.self, ExplainActivationCommand.self,
    ])
}

extension ExplainLanguage: ExpressibleByArgument {}
extension PoolingKind: ExpressibleByArgument {}
extension ActivationKind: ExpressibleByArgument {}

/// The options every `explain` subcommand shares: language and how many steps to show.
struct ExplainOutputOptions: ParsableArguments {
  @Option(help: "Language of the explanation: en (English) or zh (中文).")
  var lang: ExplainLanguage = .english

  @Flag(
    help:
      "Show every step of the sliding window (default: all of a small case, else the first \(ExplanationRenderer.automaticPreview))."
  )
  var allSteps = false

  @Option(help: "Show this many steps.")
  var steps: Int?

  func validate() throws {
    if let steps, steps < 0 { throw ValidationError("--steps must not be negative, got \(steps)") }
  }

  var renderer: ExplanationRenderer {
    let display: StepDisplay = allSteps ? .all : steps.map { .first($0) } ?? .automatic
    return ExplanationRenderer(language: lang, steps: display, showAllHint: "--all-steps")
  }
}

/// Runs `body`, turning a library `ExplainError` into one line naming the flag it came from;
/// `renaming` overrides the flag of a field (a convolution's kernel comes from --weights in
/// `explain backward`).
func explainingErrors<Result>(
  renaming: [ExplainError.Field: String] = [:], _ body: () throws -> Result
) throws -> Result {
  do {
    return try body()
  } catch let error as ExplainError {
    let flags: [ExplainError.Field: String] = [
      .input: "--input", .channels: "--channels", .filters: "--filters", .kernel: "--kernel",
      .stride: "--stride", .padding: "--padding", .values: "--values", .weights: "--weights",
      .bias: "--bias", .gradient: "--gradient", .architecture: "--arch", .activation: "activation",
      .pooling: "--kind",
    ]
    throw CLIError("\(renaming[error.field] ?? flags[error.field] ?? error.field.rawValue): \(error.reason)")
  }
}

/// Parses "7x7" or "7" (both axes) into a Size2.
func parseSize2(_ text: String, option: String) throws -> Size2 {
  let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
  guard (1...2).contains(parts.count), let height = parts[0], let width = parts.last ?? nil else {
    throw CLIError("\(option) \"\(text)\": expected a size like 3 or 3x3 (height×width)")
  }
  return Size2(height, width)
}
