import ArgumentParser
import ConvNet
import Foundation

struct TrainTextCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-text",
    abstract: "Train a text classifier (TextCNN, BiLSTM, embedding + logistic regression) on a labelled CSV/TSV.",
    discussion: """
      The texts are split per class into training, validation (--validation) and test (--test) \
      parts; the vocabulary comes from the training texts. Chinese is cut into characters \
      (--tokenizer characters, the default), English into words (--tokenizer words). Prints the \
      validation accuracy and AUC after every epoch and the test accuracy, AUC and confusion \
      matrix at the end. --save writes the weights after every epoch (atomically) with the \
      vocabulary and classes in their metadata, for `convnet classify-text` and --resume.
      """)

  @Option(help: "The labelled texts: CSV or TSV (by extension) with a header row.")
  var data: String

  @Option(name: .customLong("text-column"), help: "The column holding the text.")
  var textColumn = "text"

  @Option(name: .customLong("label-column"), help: "The column holding the class name.")
  var labelColumn = "label"

  @Option(help: "textcnn, bilstm-classifier or embedding-logistic.")
  var arch = "textcnn"

  @Option(help: "characters (one token per character: Chinese) or words (English).")
  var tokenizer = "characters"

  @Option(name: .customLong("min-count"), help: "Tokens seen fewer times in training become <unk>.")
  var minCount = 2

  @Option(name: .customLong("max-vocabulary"), help: "At most this many tokens (special ones included).")
  var maxVocabulary: Int?

  @Option(name: .customLong("max-length"), help: "Texts are cut to their first N tokens.")
  var maxLength = 200

  @Option(help: "Embedding size.")
  var embedding = 128

  @Option(help: "bilstm-classifier: hidden size per direction.")
  var hidden = 128

  @Option(help: "textcnn: filters per window width.")
  var filters = 100

  @Option(help: "textcnn: window widths, comma-separated.")
  var widths = "3,4,5"

  @Option(help: "Dropout before the final layer (textcnn, bilstm-classifier).")
  var dropout: Float = 0.5

  @Option(help: "Fraction of each class held out for validation.")
  var validation = 0.1

  @Option(help: "Fraction of each class held out for the final test.")
  var test = 0.1

  @Option(help: "Epochs in all (with --resume: including the saved run's).")
  var epochs = 5

  @Option(name: .customLong("batch-size"), help: "Texts per batch.")
  var batchSize = 64

  @Option(help: "Adam's learning rate.")
  var lr: Float = 0.001

  @Option(help: "Seeds the splits, the initial weights, the batch order and dropout.")
  var seed: UInt64 = 1

  @Option(help: "Write the weights here after every epoch (safetensors).")
  var save: String?

  @Option(help: "Continue the run saved in this file (same --data; its settings are used).")
  var resume: String?

  func validate() throws {
    try checkReadableFile(data, option: "--data")
    if let resume { try checkReadableFile(resume, option: "--resume") }
    do {
      _ = try Architectures.textClassifier(named: arch)
    } catch {
      throw CLIError("--arch \(arch): \(error)")
    }
    guard ["characters", "words"].contains(tokenizer) else {
      throw CLIError("--tokenizer \(tokenizer): expected characters or words")
    }
    _ = try windowWidths()
  }

  func windowWidths() throws -> [Int] {
    try widths.split(separator: ",", omittingEmptySubsequences: false).map {
      guard let width = Int($0.trimmingCharacters(in: .whitespaces)), width > 0 else {
        throw CLIError("--widths \(widths): expected positive integers separated by commas, e.g. 3,4,5")
      }
      return width
    }
  }

  func settings() throws -> TextClassifierSettings {
    var settings = TextClassifierSettings()
    settings.architecture = try Architectures.textClassifier(named: arch).kind
    settings.tokenizer = tokenizer == "words" ? .words : .characters
    settings.minimumCount = minCount
    settings.maximumVocabularySize = maxVocabulary
    settings.maximumLength = maxLength
    settings.embeddingSize = embedding
    settings.hiddenSize = hidden
    settings.filters = filters
    settings.widths = try windowWidths()
    settings.dropout = dropout
    settings.validationFraction = validation
    settings.testFraction = test
    settings.epochs = epochs
    settings.batchSize = batchSize
    settings.learningRate = lr
    settings.seed = seed
    return settings
  }

  func run() throws {
    // A --save that cannot be written fails now, not after the first epoch.
    if let save { try Checkpoint.prepareDestination(URL(fileURLWithPath: save)) }
    let dataset = try LabeledTextDataset.read(
      contentsOf: URL(fileURLWithPath: data), textColumn: textColumn, labelColumn: labelColumn)
    let run = try namingTextFlags {
      if let resume {
        return try TextClassifierTraining.resume(
          from: URL(fileURLWithPath: resume), dataset: dataset, epochs: epochs)
      }
      return try TextClassifierTraining.prepare(dataset, settings: settings())
    }
    let classifier = run.classifier
    let d = classifier.description
    print(
      "\(d.kind.rawValue) on \(data): \(run.training.count) training, \(run.validation.count) validation, "
        + "\(run.test.count) test texts; classes \(classifier.classNames.joined(separator: ", ")); "
        + "vocabulary \(classifier.vocabulary.count) tokens; \(classifier.model.parameterCount) parameters")
    if run.completedEpochs > 0 {
      print("Resuming \(resume ?? "") after epoch \(run.completedEpochs) of \(run.settings.epochs)")
    }
    let bar = ProgressBar()
    var epochStarted = Date()
    try run.run(
      progress: { event in
        switch event {
        case .batch(let epoch, let index, let batches, let loss, let accuracy, let samples):
          let elapsed = max(Date().timeIntervalSince(epochStarted), 1e-3)
          bar.update(
            epoch: epoch, epochs: run.settings.epochs, step: index, total: batches, loss: Float(loss),
            accuracy: Float(accuracy), imagesPerSecond: Double(samples) / elapsed,
            secondsRemaining: elapsed / Double(index) * Double(batches - index), unit: "texts")
        case .epoch(let summary):
          epochStarted = Date()
          bar.finish(
            String(
              format: "epoch %d/%d  loss %.4f  train acc %.2f %%  validation acc %.2f %%  AUC %@  (%.0f s)",
              summary.epoch, run.settings.epochs, summary.trainingLoss, 100 * summary.trainingAccuracy,
              100 * summary.validation.accuracy, summary.validation.auc.map { String(format: "%.4f", $0) } ?? "–",
              summary.seconds))
        }
      },
      checkpoint: { run in
        if let save { try run.save(to: URL(fileURLWithPath: save)) }
      })
    let metrics = try classifier.evaluate(run.test)
    print(
      String(
        format: "test accuracy %.2f %% (%d texts)  AUC %@  loss %.4f", 100 * metrics.accuracy, metrics.count,
        metrics.auc.map { String(format: "%.4f", $0) } ?? "–", metrics.loss))
    var confusion = TextTable(columns: ["true \\ predicted"] + classifier.classNames)
    for (name, row) in zip(classifier.classNames, metrics.confusion) { confusion.add([name] + row.map { "\($0)" }) }
    print(confusion.render(rightAligned: Set(1...classifier.classNames.count)))
    if let save { print("Saved the weights, vocabulary and classes to \(save)") }
  }

  /// Library errors about a setting, in terms of this command's options.
  func namingTextFlags<T>(_ body: () throws -> T) throws -> T {
    let flags = [
      "minimumCount": "--min-count", "maximumLength": "--max-length", "embeddingSize": "--embedding",
      "hiddenSize": "--hidden", "filters": "--filters", "epochs": "--epochs", "batchSize": "--batch-size",
      "maximumVocabularySize": "--max-vocabulary", "widths": "--widths", "dropout": "--dropout",
      "validationFraction": "--validation", "testFraction": "--test", "learningRate": "--lr",
    ]
    do {
      return try body()
    } catch let error as SettingError {
      guard let flag = flags[error.setting] else { throw error }
      throw CLIError("\(flag) \(error.detail)")
    }
  }
}
