import ArgumentParser
import ConvNet

struct ExplainActivationCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "activation",
    abstract:
      "An activation function: formula, derivative, saturation, the gradient through many layers, and a plot.",
    discussion: """
      Examples:
        convnet explain activation sigmoid
        convnet explain activation relu --lang zh
      """)

  @Argument(help: "sigmoid, tanh, relu, rrelu or leaky.")
  var function: ActivationKind

  @Option(help: "How many layers to follow a gradient through.")
  var layers = 10

  @OptionGroup var output: ExplainOutputOptions

  func validate() throws {
    if !(1...1000).contains(layers) {
      throw ValidationError("--layers must be from 1 to 1000, got \(layers)")
    }
  }

  func run() throws {
    print(output.renderer.render(ActivationExplanation(function, layerCount: layers)))
  }
}
