import ConvNet
import Foundation
import TestSupport
import XCTest

/// Language-model training and generation on generated text.
final class LanguageModelTrainingTests: XCTestCase {
  /// A quatrain whose characters repeat (明月, 头, line ends), so reproducing it needs memory
  /// beyond the last character: after 明月 comes 光 the first time and ， the second.
  static let poem = "床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。"

  private func temporaryURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "LanguageModelTrainingTests-\(UUID().uuidString).safetensors")
  }

  /// One window over the whole stream (<eos> + 27 characters + <eos>: 28 inputs and 28
  /// targets), one batch, so each epoch is one Adam step on the complete poem.
  private func memorisingSettings() -> LanguageModelTrainingSettings {
    var settings = LanguageModelTrainingSettings()
    settings.cell = .lstm
    settings.embeddingSize = 16
    settings.hiddenSize = 48
    settings.windowLength = 28
    settings.batchSize = 1
    settings.learningRate = 0.02
    settings.validationFraction = 0
    settings.seed = 3
    settings.epochs = 250
    return settings
  }

  /// The bound: every token's cross-entropy is ≥ 0, so if the mean over the 28 targets is below
  /// ln 2 / 28, each one is below ln 2, i.e. the right token has probability above ½ at every
  /// position — it is the argmax, and greedy decoding (which sees exactly the training
  /// window's prefix: <eos>, then the poem) must reproduce the poem and stop at <eos>.
  func testLSTMMemorisesATinyCorpusAndGreedyGenerationReproducesIt() throws {
    let settings = memorisingSettings()
    let training = try LanguageModelTraining(documents: [Self.poem], settings: settings)
    XCTAssertEqual(training.corpus.training.count, 1)
    XCTAssertEqual(training.corpus.training.stream.count, 29)
    for _ in 0..<settings.epochs { _ = try training.runEpoch() }
    let loss = LanguageModelTraining.meanLoss(
      of: training.model, windows: training.corpus.training, batchSize: 1)
    XCTAssertLessThan(loss, log(2) / 28)

    let generator = LanguageModelGenerator(model: training.model, vocabulary: training.corpus.vocabulary)
    var random = SeededGenerator(seed: 1)
    XCTAssertEqual(
      try generator.generate(prompt: "", length: 100, sampler: .greedy, generator: &random), Self.poem)
    XCTAssertEqual(
      try generator.generate(prompt: "床前", length: 100, sampler: .greedy, generator: &random), Self.poem)
    // `length` bounds the new tokens.
    XCTAssertEqual(
      try generator.generate(prompt: "床前", length: 3, sampler: .greedy, generator: &random), "床前明月光")

    // The vocabulary and the model come back from the saved file: same ids, same text.
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    try training.save(to: url)
    let loaded = try LanguageModelGenerator(weightsAt: url)
    XCTAssertEqual(loaded.vocabulary, training.corpus.vocabulary)
    XCTAssertEqual(
      loaded.model.configuration,
      LanguageModel.Configuration(
        cell: .lstm, vocabularySize: training.corpus.vocabulary.count, embeddingSize: 16, hiddenSize: 48))
    XCTAssertEqual(
      try loaded.generate(prompt: "", length: 100, sampler: .greedy, generator: &random), Self.poem)

    // Sampling: the same seed gives the same text, from memory or from the file.
    let sampler = try TokenSampler(temperature: 2, topK: 6)
    func sample(_ model: LanguageModelGenerator, seed: UInt64) throws -> [String] {
      var random = SeededGenerator(seed: seed)
      return try (0..<5).map { _ in
        try model.generate(prompt: "低", length: 30, sampler: sampler, generator: &random)
      }
    }
    let first = try sample(generator, seed: 7)
    XCTAssertEqual(try sample(generator, seed: 7), first)
    XCTAssertEqual(try sample(loaded, seed: 7), first)
    XCTAssertTrue(first.allSatisfy { $0.hasPrefix("低") })
  }

  func testPromptWithUnknownCharactersNamesThem() throws {
    var settings = memorisingSettings()
    settings.epochs = 1
    let training = try LanguageModelTraining(documents: [Self.poem], settings: settings)
    let generator = LanguageModelGenerator(model: training.model, vocabulary: training.corpus.vocabulary)
    var random = SeededGenerator(seed: 1)
    XCTAssertThrowsError(
      try generator.generate(prompt: "床前春月", length: 5, sampler: .greedy, generator: &random)
    ) {
      let text = "\($0)"
      XCTAssertTrue(text.contains("\"春\""), text)
      XCTAssertFalse(text.contains("\"床\""), text)
    }
  }

  /// Two epochs, saved, then resumed for two more, end with exactly the weights of four epochs
  /// in one go (same batches, same Adam state, same dropout masks).
  func testResumeContinuesExactly() throws {
    let documents = (0..<12).map { i in "春眠不觉晓处处闻啼鸟夜来风雨声花落知多少".shuffledBy(i) }
    var settings = LanguageModelTrainingSettings()
    settings.cell = .gru
    settings.embeddingSize = 8
    settings.hiddenSize = 12
    settings.layers = 2
    settings.dropout = 0.3  // dropout masks between the layers: their generator must resume too
    settings.windowLength = 10
    settings.batchSize = 4
    settings.validationFraction = 0.25
    settings.epochs = 4
    let straight = try LanguageModelTraining(documents: documents, settings: settings)
    XCTAssertEqual(straight.corpus.validationDocuments.count, 3)
    var reports: [LanguageModelEpochReport] = []
    for _ in 0..<4 { reports.append(try straight.runEpoch()) }
    XCTAssertNotNil(reports.last?.validationPerplexity)

    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    let interrupted = try LanguageModelTraining(documents: documents, settings: settings)
    for _ in 0..<2 { _ = try interrupted.runEpoch() }
    try interrupted.save(to: url)
    let resumed = try LanguageModelTraining(resumingFrom: url, documents: documents, settings: settings)
    XCTAssertEqual(resumed.completedEpochs, 2)
    var last: LanguageModelEpochReport?
    for _ in 0..<2 { last = try resumed.runEpoch() }
    XCTAssertEqual(last?.trainingLoss, reports[3].trainingLoss)
    let expected = Dictionary(uniqueKeysWithValues: straight.model.stateDict().map { ($0.name, $0.value) })
    for entry in resumed.model.stateDict() {
      XCTAssertEqual(entry.value, expected[entry.name], entry.name)
    }

    var other = settings
    other.hiddenSize = 16
    XCTAssertThrowsError(try LanguageModelTraining(resumingFrom: url, documents: documents, settings: other))
    {
      XCTAssertTrue("\($0)".contains("hidden size was 12, now 16"), "\($0)")
    }
  }
}

extension String {
  /// The characters in a fixed order that depends on `seed` (a rotation), for varied documents.
  fileprivate func shuffledBy(_ seed: Int) -> String {
    let scalars = Array(unicodeScalars)
    let k = (seed * 7) % scalars.count
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars[k...] + scalars[..<k])
    return String(result)
  }
}
