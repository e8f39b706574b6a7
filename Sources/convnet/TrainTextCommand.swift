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

  // The options that shape the run are optional: with --resume, one left out continues as the
  // checkpoint recorded it, and one given must agree with it (ResumedOption).

  @Option(help: "textcnn, bilstm-classifier or embedding-logistic (default: textcnn).")
  var arch: String?

  @Option(help: "characters (one token per character: Chinese) or words (English) (default: characters).")
  var tokenizer: String?

  @Option(name: .customLong("min-count"), help: "Tokens seen fewer times in training become <unk> (default: 2).")
  var minCount: Int?

  @Option(name: .customLong("max-vocabulary"), help: "At most this many tokens (special ones included).")
  var maxVocabulary: Int?

  @Option(name: .customLong("max-length"), help: "Texts are cut to their first N tokens (default: 200).")
  var maxLength: Int?

  @Option(help: "Embedding size (default: 128).")
  var embedding: Int?

  @Option(help: "bilstm-classifier: hidden size per direction (default: 128).")
  var hidden: Int?

  @Option(help: "textcnn: filters per window width (default: 100).")
  var filters: Int?

  @Option(help: "textcnn: window widths, comma-separated (default: 3,4,5).")
  var widths: String?

  @Option(help: "Dropout before the final layer (textcnn, bilstm-classifier) (default: 0.5).")
  var dropout: Float?

  @Option(help: "Fraction of each class held out for validation (default: 0.1).")
  var validation: Double?

  @Option(help: "Fraction of each class held out for the final test (default: 0.1).")
  var test: Double?

  @Option(help: "Epochs in all (with --resume: including the saved run's).")
  var epochs = 5

  @Option(name: .customLong("batch-size"), help: "Texts per batch (default: 64).")
  var batchSize: Int?

  @Option(help: "Adam's learning rate (default: 0.001).")
  var lr: Float?

  @Option(help: "Seeds the splits, the initial weights, the batch order and dropout (default: 1).")
  var seed: UInt64?

  @Option(help: "Write the weights here after every epoch (safetensors).")
  var save: String?

  @Option(help: "Continue the run saved in this file (same --data; options left out continue as saved).")
  var resume: String?

  func validate() throws {
    try checkReadableFile(data, option: "--data")
    if let resume { try checkReadableFile(resume, option: "--resume") }
    if let arch {
      do {
        _ = try Architectures.textClassifier(named: arch)
      } catch {
        throw CLIError("--arch \(arch): \(error)")
      }
    }
    if let tokenizer, !["characters", "words"].contains(tokenizer) {
      throw CLIError("--tokenizer \(tokenizer): expected characters or words")
    }
    _ = try windowWidths()
  }

  func windowWidths() throws -> [Int]? {
    try widths.map { widths in
      try widths.split(separator: ",", omittingEmptySubsequences: false).map {
        guard let width = Int($0.trimmingCharacters(in: .whitespaces)), width > 0 else {
          throw CLIError("--widths \(widths): expected positive integers separated by commas, e.g. 3,4,5")
        }
        return width
      }
    }
  }

  /// A new run's settings: the options given, the library's defaults for the rest.
  func settings() throws -> TextClassifierSettings {
    var settings = TextClassifierSettings()
    if let arch { settings.architecture = try Architectures.textClassifier(named: arch).kind }
    if let tokenizer { settings.tokenizer = tokenizer == "words" ? .words : .characters }
    if let minCount { settings.minimumCount = minCount }
    settings.maximumVocabularySize = maxVocabulary
    if let maxLength { settings.maximumLength = maxLength }
    if let embedding { settings.embeddingSize = embedding }
    if let hidden { settings.hiddenSize = hidden }
    if let filters { settings.filters = filters }
    if let widths = try windowWidths() { settings.widths = widths }
    if let dropout { settings.dropout = dropout }
    if let validation { settings.validationFraction = validation }
    if let test { settings.testFraction = test }
    settings.epochs = epochs
    if let batchSize { settings.batchSize = batchSize }
    if let lr { settings.learningRate = lr }
    if let seed { settings.seed = seed }
    return settings
  }

  /// Refuses options given with --resume that differ from the checkpoint's settings.
  func checkAgrees(with saved: TextClassifierSettings) throws {
    var options = [
      ResumedOption("--arch", given: try arch.map { try Architectures.textClassifier(named: $0).kind.rawValue },
                    recorded: saved.architecture.rawValue),
      ResumedOption("--tokenizer", given: tokenizer, recorded: saved.tokenizer == .words ? "words" : "characters"),
      ResumedOption("--min-count", given: minCount, recorded: saved.minimumCount),
      ResumedOption("--max-vocabulary", given: maxVocabulary,
                    recorded: saved.maximumVocabularySize.map { "\($0)" } ?? "no limit"),
      ResumedOption("--max-length", given: maxLength, recorded: saved.maximumLength),
      ResumedOption("--embedding", given: embedding, recorded: saved.embeddingSize),
      ResumedOption("--validation", given: validation, recorded: saved.validationFraction),
      ResumedOption("--test", given: test, recorded: saved.testFraction),
      ResumedOption("--batch-size", given: batchSize, recorded: saved.batchSize),
      ResumedOption("--lr", given: lr, recorded: saved.learningRate),
      ResumedOption("--seed", given: seed, recorded: saved.seed),
    ]
    // Sizes a kind of network does not have were never recorded for it.
    if saved.architecture == .biLSTM { options.append(ResumedOption("--hidden", given: hidden, recorded: saved.hiddenSize)) }
    if saved.architecture == .textCNN {
      options.append(ResumedOption("--filters", given: filters, recorded: saved.filters))
      options.append(
        ResumedOption("--widths", given: try windowWidths()?.map(String.init).joined(separator: ","),
                      recorded: saved.widths.map(String.init).joined(separator: ",")))
    }
    if saved.architecture != .embeddingLogistic {
      options.append(ResumedOption("--dropout", given: dropout, recorded: saved.dropout))
    }
    try ResumedOption.refuseContradictions(options, checkpoint: resume ?? "")
  }

  func run() throws {
    // A --save that cannot be written fails now, not after the first epoch.
    if let save { try Checkpoint.prepareDestination(URL(fileURLWithPath: save)) }
    let dataset = try LabeledTextDataset.read(
      contentsOf: URL(fileURLWithPath: data), textColumn: textColumn, labelColumn: labelColumn)
    let run = try namingTextFlags {
      if let resume {
        let run = try TextClassifierTraining.resume(
          from: URL(fileURLWithPath: resume), dataset: dataset, epochs: epochs)
        try checkAgrees(with: run.settings)
        return run
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
