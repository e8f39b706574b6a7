import ArgumentParser
import ConvNet

struct ExplainPoolCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pool",
    abstract:
      "Max or average pooling: output size, no parameters, pooling as a special convolution, and which element wins each window.",
    discussion: """
      Examples:
        convnet explain pool --input 4x4 --kernel 2
        convnet explain pool --kind max --values "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4"
        convnet explain pool --kind avg --values "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4" --lang zh
      """)

  @Option(help: "max or avg.")
  var kind: PoolingKind = .max

  @Option(help: "Input height×width, e.g. 4x4 (default: the size of --values).")
  var input: String?

  @Option(help: "Input channels (default: those of --values, else 1).")
  var channels: Int?

  @Option(help: "Window size F, e.g. 2 or 2x2.")
  var kernel = "2"

  @Option(help: "Stride S (default: the window size).")
  var stride: String?

  @Option(help: "Padding on each side, at most half the window.")
  var padding = "0"

  @Option(parsing: .unconditional, help: "Input values: \"1 3; 5 6\", channels separated by \"|\".")
  var values: String?

  @OptionGroup var output: ExplainOutputOptions

  func run() throws {
    let request = PoolingRequest(
      kind: kind, inputSize: try input.map { try parseSize2($0, option: "--input") }, channels: channels,
      kernel: try parseSize2(kernel, option: "--kernel"),
      stride: try stride.map { try parseSize2($0, option: "--stride") },
      padding: try parseSize2(padding, option: "--padding"),
      input: try explainingErrors { try values.map { try NumberGridParser.planes($0, field: .values) } })
    let explanation = try explainingErrors { try PoolingExplanation(request) }
    print(output.renderer.render(explanation))
  }
}
