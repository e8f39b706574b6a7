import ArgumentParser

@main
struct ConvNetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convnet",
    abstract: "Build, train, inspect and run convolutional neural networks on the CPU.",
    discussion: """
      Start with `convnet train`: it trains LeNet-5 on the MNIST digits that ship with ConvNet. \
      Every subcommand has its own --help.
      """,
    subcommands: [
      TrainCommand.self, EvalCommand.self, InferCommand.self, SummaryCommand.self, VisualizeCommand.self,
      PlotCommand.self, ReportCommand.self, ExplainCommand.self, BenchCommand.self,
      FitCommand.self, PredictCommand.self,
      TrainLMCommand.self, GenerateCommand.self,
      TrainTextCommand.self, ClassifyTextCommand.self,
      TrainTranslateCommand.self, TranslateCommand.self,
      ExportCommand.self,
    ])
}
