import ArgumentParser
import ConvNet

struct ExplainParamsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "params",
    abstract:
      "Where a network's parameters come from: each layer's count with its formula, weight sharing, connection tables, the total.",
    discussion: """
      Examples:
        convnet explain params --arch lenet5            (156 + 2,416 + … = 61,706)
        convnet explain params --arch lenet5-1998       (C3's connection table: 1,516)
        convnet explain params --arch vgg16 --lang zh
      """)

  @Option(help: "The architecture (\(Architectures.all.map(\.name).joined(separator: ", "))).")
  var arch = "lenet5"

  @OptionGroup var output: ExplainOutputOptions

  func run() throws {
    let explanation = try explainingErrors { try ParameterExplanation(architecture: arch) }
    print(output.renderer.render(explanation))
  }
}
