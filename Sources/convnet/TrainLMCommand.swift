import ArgumentParser
import ConvNet
import Foundation

struct TrainLMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-lm",
    abstract: "Train a character (or word) language model on a text file, e.g. poems.",
    discussion: """
      Documents are the file's lines (--layout lines) or fortune-style entries ending at a line \
      % (--layout fortunes; with --drop-coloured-lines, fortunes-zh's coloured title and author \
      lines are left out so only the poems remain). A share of whole documents is held out to \
      measure the validation perplexity after every epoch. The network is Embedding → LSTM, GRU \
      or RNN → Linear (--arch lstm-lm, gru-lm, rnn-lm), trained with Adam on windows of the \
      token stream, gradients clipped by global norm. --save writes the weights, the optimiser \
      state and the vocabulary after every epoch (atomically); `convnet generate` reads it, and \
      --resume continues it.
      """)

  @Option(help: "The UTF-8 text file to learn.")
  var text: String

  @Option(help: "lines (one document per line) or fortunes (entries that end at a line %).")
  var layout = "lines"

  @Flag(help: "Leave out lines with ANSI colour escapes (fortunes-zh's titles and authors).")
  var dropColouredLines = false

  // The options that shape the run are optional: with --resume, one left out continues as the
  // checkpoint recorded it, and one given must agree with it (the library refuses a difference).

  @Option(help: "lstm-lm, gru-lm or rnn-lm (default: lstm-lm).")
  var arch: String?

  @Option(help: "Embedding width E (default: 64).")
  var embedding: Int?

  @Option(help: "Hidden width H of the recurrent layers (default: 128).")
  var hidden: Int?

  @Option(help: "Stacked recurrent layers L (default: 1).")
  var layers: Int?

  @Option(help: "Dropout between stacked recurrent layers (default: 0).")
  var dropout: Float?

  @Option(help: "characters, characters-without-spaces or words (default: characters).")
  var tokenizer: String?

  @Option(name: .customLong("min-count"), help: "Tokens seen fewer times become <unk> (default: 1).")
  var minCount: Int?

  @Option(help: "Tokens per training window; backpropagation through time spans one window (default: 48).")
  var window: Int?

  @Option(help: "Epochs to train (a resumed run continues up to this count).")
  var epochs = 10

  @Option(name: .customLong("batch-size"), help: "Windows per batch (default: 32).")
  var batchSize: Int?

  @Option(help: "Adam's learning rate (default: 0.003; with --resume: the saved run's).")
  var lr: Float?

  @Option(help: "Clip the gradients' global norm to this, 0: no clipping (default: 5; with --resume: the saved run's).")
  var clip: Float?

  @Option(help: "Share of documents held out for validation perplexity, 0: none (default: 0.1).")
  var validation: Double?

  @Option(help: "Seeds the weights, the split and the batch order (default: 1).")
  var seed: UInt64?

  @Option(help: "Where to write the weights, optimiser state and vocabulary after every epoch.")
  var save: String?

  @Option(
    help: "Continue the run saved in this file (options left out continue as saved; saves go back to it unless --save).")
  var resume: String?

  func validate() throws {
    try checkReadableFile(text, option: "--text")
    if let resume { try checkReadableFile(resume, option: "--resume") }
    guard ["lines", "fortunes"].contains(layout) else {
      throw CLIError("--layout \(layout): expected lines or fortunes")
    }
    if let arch, LanguageModel.Cell(architectureName: arch) == nil {
      throw CLIError("--arch \(arch): expected lstm-lm, gru-lm or rnn-lm")
    }
    _ = try parsedTokenizer()
  }

  func parsedTokenizer() throws -> Tokenizer? {
    switch tokenizer {
    case nil: return nil
    case "characters": return .characters
    case "characters-without-spaces": return .charactersWithoutSpaces
    case "words": return .words
    default:
      throw CLIError("--tokenizer \(tokenizer ?? ""): expected characters, characters-without-spaces or words")
    }
  }

  /// The options given, over `base`: the library's defaults for a new run, the saved run's
  /// settings with --resume.
  func settings(over base: LanguageModelTrainingSettings) throws -> LanguageModelTrainingSettings {
    var settings = base
    if let cell = arch.flatMap(LanguageModel.Cell.init(architectureName:)) { settings.cell = cell }
    if let embedding { settings.embeddingSize = embedding }
    if let hidden { settings.hiddenSize = hidden }
    if let layers { settings.layers = layers }
    if let dropout { settings.dropout = dropout }
    if let tokenizer = try parsedTokenizer() { settings.tokenizer = tokenizer }
    if let minCount { settings.minimumCount = minCount }
    if let window { settings.windowLength = window }
    settings.epochs = epochs
    if let batchSize { settings.batchSize = batchSize }
    if let lr { settings.learningRate = lr }
    if let clip { settings.gradientClipNorm = clip == 0 ? nil : clip }
    if let validation { settings.validationFraction = validation }
    if let seed { settings.seed = seed }
    return settings
  }

  func run() throws {
    let documents = try TextDocuments.read(
      contentsOf: URL(fileURLWithPath: text), layout: layout == "fortunes" ? .fortunes : .lines,
      colouredLines: dropColouredLines ? .drop : .keep)
    let settings = try settings(
      over: try resume.map { try LanguageModelTraining.savedSettings(at: URL(fileURLWithPath: $0)) }
        ?? LanguageModelTrainingSettings())
    let destination = (save ?? resume).map { URL(fileURLWithPath: $0) }
    if let destination { try Checkpoint.prepareDestination(destination) }
    let training = try namingLanguageModelFlags {
      if let resume {
        return try LanguageModelTraining(
          resumingFrom: URL(fileURLWithPath: resume), documents: documents, settings: settings)
      }
      return try LanguageModelTraining(documents: documents, settings: settings)
    }
    let corpus = training.corpus
    print(
      "\(settings.cell.architectureName) on \(text): \(corpus.trainingDocuments.count) training and \(corpus.validationDocuments.count) "
        + "validation documents, vocabulary \(corpus.vocabulary.count), \(corpus.training.count) windows of "
        + "\(corpus.training.length), \(training.model.parameterCount) parameters")
    if training.completedEpochs >= settings.epochs {
      print("already trained \(training.completedEpochs) epochs; raise --epochs to continue")
    } else if training.completedEpochs > 0 {
      print("resuming after epoch \(training.completedEpochs)")
    }
    while training.completedEpochs < settings.epochs {
      let report = try training.runEpoch()
      var line =
        "epoch \(report.epoch)/\(settings.epochs)  loss \(String(format: "%.4f", report.trainingLoss))"
      if let loss = report.validationLoss, let perplexity = report.validationPerplexity {
        line +=
          "  validation loss \(String(format: "%.4f", loss))  perplexity \(String(format: "%.2f", perplexity))"
      }
      line += "  (\(String(format: "%.1f", report.seconds)) s)"
      if let destination {
        try training.save(to: destination)
        line += "  saved"
      }
      print(line)
      fflush(stdout)  // one line per epoch, also when the output goes to a file or a pipe
    }
  }

  /// Library errors about a setting, in terms of this command's options.
  func namingLanguageModelFlags<T>(_ body: () throws -> T) throws -> T {
    let flags = [
      "embeddingSize": "--embedding", "hiddenSize": "--hidden", "layers": "--layers", "dropout": "--dropout",
      "windowLength": "--window", "batchSize": "--batch-size", "epochs": "--epochs", "learningRate": "--lr",
      "gradientClipNorm": "--clip", "validationFraction": "--validation", "minimumCount": "--min-count",
    ]
    do {
      return try body()
    } catch let error as SettingError {
      guard let flag = flags[error.setting] else { throw error }
      throw CLIError("\(flag) \(error.detail)")
    }
  }
}
