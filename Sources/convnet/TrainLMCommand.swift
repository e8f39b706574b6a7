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

  @Option(help: "lstm-lm, gru-lm or rnn-lm.")
  var arch = "lstm-lm"

  @Option(help: "Embedding width E.")
  var embedding = 64

  @Option(help: "Hidden width H of the recurrent layers.")
  var hidden = 128

  @Option(help: "Stacked recurrent layers L.")
  var layers = 1

  @Option(help: "Dropout between stacked recurrent layers.")
  var dropout: Float = 0

  @Option(help: "characters, characters-without-spaces or words.")
  var tokenizer = "characters"

  @Option(name: .customLong("min-count"), help: "Tokens seen fewer times become <unk>.")
  var minCount = 1

  @Option(help: "Tokens per training window (backpropagation through time spans one window).")
  var window = 48

  @Option(help: "Epochs to train (a resumed run continues up to this count).")
  var epochs = 10

  @Option(name: .customLong("batch-size"), help: "Windows per batch.")
  var batchSize = 32

  @Option(help: "Adam's learning rate.")
  var lr: Float = 0.003

  @Option(help: "Clip the gradients' global norm to this (0: no clipping).")
  var clip: Float = 5

  @Option(help: "Share of documents held out for validation perplexity (0: none).")
  var validation = 0.1

  @Option(help: "Seeds the weights, the split and the batch order.")
  var seed: UInt64 = 1

  @Option(help: "Where to write the weights, optimiser state and vocabulary after every epoch.")
  var save: String?

  @Option(help: "Continue the run saved in this file (same settings; saves go back to it unless --save).")
  var resume: String?

  func validate() throws {
    try checkReadableFile(text, option: "--text")
    if let resume { try checkReadableFile(resume, option: "--resume") }
    guard ["lines", "fortunes"].contains(layout) else {
      throw CLIError("--layout \(layout): expected lines or fortunes")
    }
    guard LanguageModel.Cell(architectureName: arch) != nil else {
      throw CLIError("--arch \(arch): expected lstm-lm, gru-lm or rnn-lm")
    }
    _ = try parsedTokenizer()
  }

  func parsedTokenizer() throws -> Tokenizer {
    switch tokenizer {
    case "characters": return .characters
    case "characters-without-spaces": return .charactersWithoutSpaces
    case "words": return .words
    default:
      throw CLIError("--tokenizer \(tokenizer): expected characters, characters-without-spaces or words")
    }
  }

  func settings() throws -> LanguageModelTrainingSettings {
    var settings = LanguageModelTrainingSettings()
    settings.cell = LanguageModel.Cell(architectureName: arch) ?? .lstm
    settings.embeddingSize = embedding
    settings.hiddenSize = hidden
    settings.layers = layers
    settings.dropout = dropout
    settings.tokenizer = try parsedTokenizer()
    settings.minimumCount = minCount
    settings.windowLength = window
    settings.epochs = epochs
    settings.batchSize = batchSize
    settings.learningRate = lr
    settings.gradientClipNorm = clip == 0 ? nil : clip
    settings.validationFraction = validation
    settings.seed = seed
    return settings
  }

  func run() throws {
    let documents = try TextDocuments.read(
      contentsOf: URL(fileURLWithPath: text), layout: layout == "fortunes" ? .fortunes : .lines,
      colouredLines: dropColouredLines ? .drop : .keep)
    let settings = try settings()
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
      "\(arch) on \(text): \(corpus.trainingDocuments.count) training and \(corpus.validationDocuments.count) "
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
