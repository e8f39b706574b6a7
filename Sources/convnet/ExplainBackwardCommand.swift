import ArgumentParser
import ConvNet

struct ExplainBackwardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backward",
    abstract:
      "Backpropagation: through a convolution (the full convolution with the 180°-rotated kernel) or through max / average pooling.",
    discussion: """
      Convolution (stride 1, no padding, one filter): --values and --weights. Pooling: --pool \
      max|avg with --values. --gradient gives ∂L/∂y (default: ones, i.e. L = the sum of the \
      outputs). Every result is checked against the library's autograd.

      Examples:
        convnet explain backward --values "1 2 3; 4 5 6; 7 8 9" --weights "1 0; 0 -1"
        convnet explain backward --values "1 2 3; 4 5 6; 7 8 9" --weights "1 0; 0 -1" --gradient "1 2; 3 4"
        convnet explain backward --pool max --values "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"
        convnet explain backward --pool avg --values "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4" --lang zh
      """)

  @Option(help: "Explain pooling (max or avg) instead of a convolution.")
  var pool: PoolingKind?

  @Option(parsing: .unconditional, help: "Input values: \"1 2; 3 4\", channels separated by \"|\".")
  var values: String

  @Option(
    parsing: .unconditional,
    help: "The convolution's filter: \"1 0; 0 -1\", one matrix per input channel separated by \"|\".")
  var weights: String?

  @Option(parsing: .unconditional, help: "The convolution's bias (default 0).")
  var bias: Float = 0

  @Option(help: "The pooling window, e.g. 2 or 2x2.")
  var kernel = "2"

  @Option(help: "The pooling stride (default: the window).")
  var stride: String?

  @Option(
    parsing: .unconditional,
    help: "∂L/∂y, the output's size (channels separated by \"|\" for pooling; default: ones).")
  var gradient: String?

  @OptionGroup var output: ExplainOutputOptions

  func run() throws {
    let input = try explainingErrors { try NumberGridParser.planes(values, field: .values) }
    if let pool {
      if weights != nil { throw CLIError("--weights: pooling has no weights; leave it out with --pool") }
      let request = PoolingRequest(
        kind: pool, kernel: try parseSize2(kernel, option: "--kernel"),
        stride: try stride.map { try parseSize2($0, option: "--stride") }, input: input)
      let explanation = try explainingErrors {
        try PoolingBackwardExplanation(
          request, outputGradient: try gradient.map { try NumberGridParser.planes($0, field: .gradient) })
      }
      print(output.renderer.render(explanation))
    } else {
      guard let weights else {
        throw CLIError(
          "--weights: a convolution needs its filter, e.g. --weights \"1 0; 0 -1\" (or --pool max|avg)")
      }
      let explanation = try explainingErrors(renaming: [.kernel: "--weights"]) {
        try ConvolutionBackwardExplanation(
          input: input, kernel: try NumberGridParser.planes(weights, field: .weights), bias: bias,
          outputGradient: try gradient.map { try NumberGridParser.matrix($0, field: .gradient) })
      }
      print(output.renderer.render(explanation))
    }
  }
}
