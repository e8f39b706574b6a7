import ArgumentParser
import ConvNet

struct ExplainConvCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conv",
    abstract:
      "A convolution: output size by (W − F + 2P)/S + 1, parameters, MACs, receptive field, and the sliding window step by step.",
    discussion: """
      Give sizes (--input, --kernel, …) for the formulas, or values (--values with --weights) \
      to see every window: the patch, the products, the sum, plus the bias, the output cell it \
      fills. Sizes are then read from the values.

      Examples:
        convnet explain conv --input 7x7 --kernel 3                 (→ 5×5)
        convnet explain conv --input 7x7 --kernel 3 --stride 2      (→ 3×3)
        convnet explain conv --input 7x7 --kernel 3 --padding 1     (→ 7×7)
        convnet explain conv --input 32x32 --channels 3 --filters 6 --kernel 5
        convnet explain conv --input 7x7 --kernel 3 --lang zh
        convnet explain conv --values "0 1 1 0; 0 1 1 0; 0 1 1 0; 0 1 1 0" \\
          --weights "0 1 0; 0 1 0; 0 1 0"
        convnet explain conv --values "1 1 2 0 1; 1 1 0 2 2; 0 2 1 1 0; 2 0 0 1 2; \\
          1 2 2 0 0 | 0 1 2 1 0; 2 2 0 0 1; 1 0 2 2 1; 0 1 1 0 2; 2 0 1 1 0 | \\
          2 2 0 1 1; 0 0 1 2 0; 1 2 0 0 2; 2 1 1 2 0; 0 1 2 0 1" \\
          --weights "1 1 1; -1 -1 0; -1 1 0 | -1 -1 1; -1 1 0; -1 1 0 | \\
          1 0 -1; 0 0 0; 1 -1 -1" --bias 1 --stride 2 --padding 1
      """)

  @Option(help: "Input height×width, e.g. 7x7 (default: the size of --values).")
  var input: String?

  @Option(help: "Input channels C (default: those of --values, else 1).")
  var channels: Int?

  @Option(help: "Number of filters K, the output channels (default: those of --weights, else 1).")
  var filters: Int?

  @Option(help: "Kernel size F, e.g. 3 or 3x3 (default: the size of --weights).")
  var kernel: String?

  @Option(help: "Stride S, e.g. 2 or 2x1.")
  var stride = "1"

  @Option(help: "Zero padding P on each side, e.g. 1 or 1x0.")
  var padding = "0"

  @Option(parsing: .unconditional, help: "Input values: \"1 1 0; 0 1 1\", channels separated by \"|\".")
  var values: String?

  @Option(parsing: .unconditional, help: "Filter values: channels separated by \"|\", filters by \"/\".")
  var weights: String?

  @Option(parsing: .unconditional, help: "One bias per filter, e.g. \"1, 0\" (default: 0).")
  var bias: String?

  @OptionGroup var output: ExplainOutputOptions

  func run() throws {
    let request = ConvolutionRequest(
      inputSize: try input.map { try parseSize2($0, option: "--input") }, channels: channels,
      filters: filters, kernel: try kernel.map { try parseSize2($0, option: "--kernel") },
      stride: try parseSize2(stride, option: "--stride"),
      padding: try parseSize2(padding, option: "--padding"),
      input: try explainingErrors { try values.map { try NumberGridParser.planes($0, field: .values) } },
      weights: try explainingErrors { try weights.map { try NumberGridParser.filters($0, field: .weights) } },
      bias: try explainingErrors { try bias.map { try NumberGridParser.list($0, field: .bias) } })
    let explanation = try explainingErrors { try ConvolutionExplanation(request) }
    print(output.renderer.render(explanation))
  }
}
