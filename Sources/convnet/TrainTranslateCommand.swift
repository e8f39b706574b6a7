import ArgumentParser
import ConvNet
import Foundation

struct TrainTranslateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-translate",
    abstract: "Train an encoder–decoder with attention to translate (e.g. English → Chinese).",
    discussion: """
      Pairs come from gettext catalogues (--gettext DIR: every *.mo, original → translation, \
      sources of at most --max-words words) or a parallel TSV (--pairs FILE: source<TAB>target). \
      The source is cut into English words, the target into characters. A seeded split holds \
      out --validation of the pairs: each epoch prints the training and validation loss per \
      token; at the end the held-out pairs are translated greedily and by beam search, and \
      BLEU (character-level for a character target) and a few examples are printed. --save \
      writes the weights with both vocabularies after every epoch; --resume continues it.
      """)

  @Option(help: "A folder of gettext catalogues, e.g. /usr/share/locale/zh_CN/LC_MESSAGES.")
  var gettext: String?

  @Option(help: "A parallel TSV file: source<TAB>target per line.")
  var pairs: String?

  @Option(name: .customLong("max-words"), help: "Gettext: keep sources of at most this many words.")
  var maxWords = 8

  // The options that shape the run are optional: with --resume, one left out continues as the
  // checkpoint recorded it, and one given must agree with it (ResumedOption).

  @Option(name: .customLong("max-pairs"), help: "Use a seeded random subset of this many pairs.")
  var maxPairs: Int?

  @Option(help: "The attention score: luong-dot, luong-general or bahdanau (default: luong-general).")
  var attention: String?

  @Option(help: "Embedding width, source and target (default: 128).")
  var embedding: Int?

  @Option(help: "GRU hidden size (default: 256).")
  var hidden: Int?

  @Option(help: "GRU layers, encoder and decoder (default: 1).")
  var layers: Int?

  @Flag(
    inversion: .prefixedNo,
    help: "A bidirectional encoder (its two directions joined by a Linear(2H, H) bridge) (default: no).")
  var bidirectional: Bool?

  @Option(help: "Epochs (total, also when resuming).")
  var epochs = 20

  @Option(name: .customLong("batch-size"), help: "Pairs per batch (default: 64).")
  var batchSize: Int?

  @Option(help: "Adam's learning rate (default: 0.001).")
  var lr: Float?

  @Option(help: "Clip the joint gradient norm to this (default: 1).")
  var clip: Float?

  @Option(help: "Fraction of pairs held out for validation and BLEU (default: 0.05).")
  var validation: Double?

  @Option(
    name: .customLong("max-length"), help: "Cut sources and targets to this many tokens for training (default: 32).")
  var maxLength: Int?

  @Option(name: .customLong("min-count"), help: "Source words seen fewer times become <unk> (default: 1).")
  var minCount: Int?

  @Option(help: "Seeds the subset, split, weights and batch order (default: 1).")
  var seed: UInt64?

  @Option(help: "Beam width for the final BLEU (1: greedy only).")
  var beam = 4

  @Option(name: .customLong("bleu-limit"), help: "Translate at most this many held-out pairs for BLEU.")
  var bleuLimit: Int?

  @Option(help: "Example translations to print.")
  var examples = 5

  @Option(help: "Write the weights, vocabularies and optimiser state here after every epoch.")
  var save: String?

  @Option(help: "Continue training from a checkpoint written by --save (options left out continue as saved).")
  var resume: String?

  func validate() throws {
    guard (gettext == nil) != (pairs == nil) else {
      throw CLIError("give the pairs with exactly one of --gettext DIR and --pairs FILE")
    }
    if let pairs { try checkReadableFile(pairs, option: "--pairs") }
    if let resume { try checkReadableFile(resume, option: "--resume") }
    if let attention, Seq2SeqAttentionConfiguration.Attention(rawValue: attention) == nil {
      throw CLIError("--attention \(attention): expected luong-dot, luong-general or bahdanau")
    }
    guard maxWords >= 1 else { throw CLIError("--max-words \(maxWords): expected at least 1") }
    guard beam >= 1 else { throw CLIError("--beam \(beam): expected at least 1") }
    guard examples >= 0 else { throw CLIError("--examples \(examples): expected 0 or more") }
    if let bleuLimit, bleuLimit < 1 { throw CLIError("--bleu-limit \(bleuLimit): expected at least 1") }
  }

  /// A new run's settings: the options given, the library's defaults for the rest.
  func settings() -> TranslationSettings {
    var settings = TranslationSettings()
    if let attention = attention.flatMap(Seq2SeqAttentionConfiguration.Attention.init(rawValue:)) {
      settings.attention = attention
    }
    if let embedding { settings.embeddingSize = embedding }
    if let hidden { settings.hiddenSize = hidden }
    if let layers { settings.layers = layers }
    if let bidirectional { settings.bidirectional = bidirectional }
    settings.epochs = epochs
    if let batchSize { settings.batchSize = batchSize }
    if let lr { settings.learningRate = lr }
    if let clip { settings.gradientClipNorm = clip }
    if let validation { settings.validationFraction = validation }
    if let maxLength { settings.maximumLength = maxLength }
    if let minCount { settings.minimumSourceCount = minCount }
    settings.maximumPairs = maxPairs
    if let seed { settings.seed = seed }
    return settings
  }

  /// Refuses options given with --resume that differ from the checkpoint's settings.
  func checkAgrees(with saved: TranslationSettings) throws {
    try ResumedOption.refuseContradictions(
      [
        ResumedOption("--attention", given: attention, recorded: saved.attention.rawValue),
        ResumedOption("--embedding", given: embedding, recorded: saved.embeddingSize),
        ResumedOption("--hidden", given: hidden, recorded: saved.hiddenSize),
        ResumedOption("--layers", given: layers, recorded: saved.layers),
        ResumedOption(
          bidirectional == false ? "--no-bidirectional" : "--bidirectional",
          given: bidirectional.map { $0 ? "yes" : "no" }, recorded: saved.bidirectional ? "yes" : "no"),
        ResumedOption("--batch-size", given: batchSize, recorded: saved.batchSize),
        ResumedOption("--lr", given: lr, recorded: saved.learningRate),
        ResumedOption("--clip", given: clip, recorded: saved.gradientClipNorm),
        ResumedOption("--validation", given: validation, recorded: saved.validationFraction),
        ResumedOption("--max-length", given: maxLength, recorded: saved.maximumLength),
        ResumedOption("--min-count", given: minCount, recorded: saved.minimumSourceCount),
        ResumedOption("--max-pairs", given: maxPairs, recorded: saved.maximumPairs.map { "\($0)" } ?? "all"),
        ResumedOption("--seed", given: seed, recorded: saved.seed),
      ], checkpoint: resume ?? "")
  }

  func run() throws {
    let dataset =
      try gettext.map {
        try ParallelTextDataset.gettextCatalogues(in: URL(fileURLWithPath: $0), maximumSourceWords: maxWords)
      } ?? ParallelTextDataset.readTSV(contentsOf: URL(fileURLWithPath: pairs ?? ""))
    let run = try namingTranslationFlags {
      try TranslationTraining(
        dataset: dataset, settings: settings(), resuming: resume.map { URL(fileURLWithPath: $0) })
    }
    if resume != nil { try checkAgrees(with: run.settings) }
    let s = run.settings
    let model = run.translator.model
    print(
      "\(dataset.count) pairs from \(dataset.name); training on \(run.training.count), "
        + "\(run.validation.count) held out; vocabularies: \(run.translator.sourceVocabulary.count) source "
        + "words, \(run.translator.targetVocabulary.count) target tokens")
    print(
      "seq2seq-attn: embedding \(s.embeddingSize), GRU hidden \(s.hiddenSize) × \(s.layers) layer(s)"
        + (s.bidirectional ? ", bidirectional encoder" : "") + ", \(s.attention.rawValue) attention, "
        + "\(formatCount(model.parameterCount)) parameters"
        + (run.completedEpochs > 0 ? "; resuming after epoch \(run.completedEpochs)" : ""))
    try run.train(save: save.map { URL(fileURLWithPath: $0) }) { epoch in
      print(
        String(
          format: "epoch %d/%d  training loss %.4f  validation loss %.4f (perplexity %.2f)  %.0f s",
          epoch.epoch, s.epochs, epoch.trainingLoss, epoch.validationLoss, exp(epoch.validationLoss),
          epoch.seconds))
    }
    let evaluation = try run.evaluate(beamWidth: beam, limit: bleuLimit, exampleCount: examples)
    let unit = evaluation.characterLevel ? "character-level" : "token-level"
    print("")
    print(
      String(
        format: "BLEU on %d held-out pairs (%@): greedy %.2f", evaluation.count, unit,
        100 * evaluation.greedyBLEU.score)
        + (evaluation.beamBLEU.map { String(format: ", beam %d: %.2f", evaluation.beamWidth, 100 * $0.score) }
          ?? ""))
    for example in evaluation.examples {
      print("")
      print("  source:    \(example.source)")
      print("  reference: \(example.reference)")
      print("  greedy:    \(example.greedy)")
      if let beam = example.beam { print("  beam \(evaluation.beamWidth):    \(beam)") }
    }
    if let save { print("\nSaved the weights and vocabularies to \(save)") }
  }

  /// Library errors about a setting, in terms of this command's options.
  func namingTranslationFlags<T>(_ body: () throws -> T) throws -> T {
    let flags = [
      "embeddingSize": "--embedding", "hiddenSize": "--hidden", "layers": "--layers", "epochs": "--epochs",
      "batchSize": "--batch-size", "learningRate": "--lr", "gradientClipNorm": "--clip",
      "validationFraction": "--validation", "maximumLength": "--max-length", "minimumSourceCount": "--min-count",
      "maximumPairs": "--max-pairs",
    ]
    do {
      return try body()
    } catch let error as SettingError {
      guard let flag = flags[error.setting] else { throw error }
      throw CLIError("\(flag) \(error.detail)")
    }
  }
}
