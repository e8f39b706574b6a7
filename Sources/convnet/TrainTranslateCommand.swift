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

  @Option(name: .customLong("max-pairs"), help: "Use a seeded random subset of this many pairs.")
  var maxPairs: Int?

  @Option(help: "The attention score: luong-dot, luong-general or bahdanau.")
  var attention = "luong-general"

  @Option(help: "Embedding width (source and target).")
  var embedding = 128

  @Option(help: "GRU hidden size.")
  var hidden = 256

  @Option(help: "GRU layers (encoder and decoder).")
  var layers = 1

  @Flag(help: "A bidirectional encoder (its two directions joined by a Linear(2H, H) bridge).")
  var bidirectional = false

  @Option(help: "Epochs (total, also when resuming).")
  var epochs = 20

  @Option(name: .customLong("batch-size"), help: "Pairs per batch.")
  var batchSize = 64

  @Option(help: "Adam's learning rate.")
  var lr: Float = 0.001

  @Option(help: "Clip the joint gradient norm to this.")
  var clip: Float = 1

  @Option(help: "Fraction of pairs held out for validation and BLEU.")
  var validation = 0.05

  @Option(name: .customLong("max-length"), help: "Cut sources and targets to this many tokens for training.")
  var maxLength = 32

  @Option(name: .customLong("min-count"), help: "Source words seen fewer times become <unk>.")
  var minCount = 1

  @Option(help: "Seeds the subset, split, weights and batch order.")
  var seed: UInt64 = 1

  @Option(help: "Beam width for the final BLEU (1: greedy only).")
  var beam = 4

  @Option(name: .customLong("bleu-limit"), help: "Translate at most this many held-out pairs for BLEU.")
  var bleuLimit: Int?

  @Option(help: "Example translations to print.")
  var examples = 5

  @Option(help: "Write the weights, vocabularies and optimiser state here after every epoch.")
  var save: String?

  @Option(help: "Continue training from a checkpoint written by --save (its settings are used).")
  var resume: String?

  func validate() throws {
    guard (gettext == nil) != (pairs == nil) else {
      throw CLIError("give the pairs with exactly one of --gettext DIR and --pairs FILE")
    }
    if let pairs { try checkReadableFile(pairs, option: "--pairs") }
    if let resume { try checkReadableFile(resume, option: "--resume") }
    guard Seq2SeqAttentionConfiguration.Attention(rawValue: attention) != nil else {
      throw CLIError("--attention \(attention): expected luong-dot, luong-general or bahdanau")
    }
    guard maxWords >= 1 else { throw CLIError("--max-words \(maxWords): expected at least 1") }
    guard beam >= 1 else { throw CLIError("--beam \(beam): expected at least 1") }
    guard examples >= 0 else { throw CLIError("--examples \(examples): expected 0 or more") }
    if let bleuLimit, bleuLimit < 1 { throw CLIError("--bleu-limit \(bleuLimit): expected at least 1") }
  }

  func settings() -> TranslationSettings {
    var settings = TranslationSettings()
    settings.attention = Seq2SeqAttentionConfiguration.Attention(rawValue: attention) ?? .luongGeneral
    settings.embeddingSize = embedding
    settings.hiddenSize = hidden
    settings.layers = layers
    settings.bidirectional = bidirectional
    settings.epochs = epochs
    settings.batchSize = batchSize
    settings.learningRate = lr
    settings.gradientClipNorm = clip
    settings.validationFraction = validation
    settings.maximumLength = maxLength
    settings.minimumSourceCount = minCount
    settings.maximumPairs = maxPairs
    settings.seed = seed
    return settings
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
