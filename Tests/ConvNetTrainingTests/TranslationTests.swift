import ConvNet
import Foundation
import XCTest

/// The encoder–decoder with attention on generated data: an identity "translation" (random
/// word sequences copied) that it must learn to reproduce exactly on held-out sequences, and
/// properties of decoding that hold for any weights.
final class TranslationTests: XCTestCase {
  /// `count` random sequences of 3…6 of the words w0…w9, each paired with itself.
  static func identityPairs(count: Int, seed: UInt64) -> ParallelTextDataset {
    var generator = SeededGenerator(seed: seed)
    let pairs = (0..<count).map { _ -> (source: String, target: String) in
      let length = 3 + Int(generator.next() % 4)
      let text = (0..<length).map { _ in "w\(generator.next() % 10)" }.joined(separator: " ")
      return (text, text)
    }
    return ParallelTextDataset(name: "identity", pairs: pairs)
  }

  static func identitySettings() -> TranslationSettings {
    var settings = TranslationSettings()
    settings.targetTokenizer = .words
    settings.embeddingSize = 16
    settings.hiddenSize = 64
    settings.batchSize = 32
    settings.learningRate = 0.005
    settings.gradientClipNorm = 5
    settings.validationFraction = 0.1
    settings.epochs = 30
    settings.seed = 1
    return settings
  }

  /// Trained once, shared by the tests that need a translator that has learned something.
  nonisolated(unsafe) static var trained: TranslationTraining?

  func trainedIdentity() throws -> TranslationTraining {
    if let trained = Self.trained { return trained }
    let run = try TranslationTraining(dataset: Self.identityPairs(count: 4000, seed: 7), settings: Self.identitySettings())
    try run.train()
    Self.trained = run
    return run
  }

  func testIdentityIsLearnedToExactGreedyReproductionOnHeldOutSequences() throws {
    let run = try trainedIdentity()
    let held = run.validation.pairs
    XCTAssertEqual(held.count, 400)
    let training = Set(run.training.sources)
    let unseen = held.filter { !training.contains($0.source) }
    XCTAssertGreaterThanOrEqual(unseen.count, 300, "the held-out sequences must be new ones")
    let outputs = try run.translator.translate(unseen.map(\.source))
    let wrong = zip(unseen, outputs).filter { $0.0.target != $0.1 }
    XCTAssertEqual(wrong.count, 0, "first mistakes: \(wrong.prefix(3).map { "\($0.0.source) → \($0.1)" })")
    XCTAssertLessThan(try XCTUnwrap(run.history.last).validationLoss, 0.05)
    let evaluation = try run.evaluate(beamWidth: 3, exampleCount: 2)
    XCTAssertEqual(evaluation.greedyBLEU.score, 1, accuracy: 1e-12)
    XCTAssertFalse(evaluation.characterLevel)
    XCTAssertEqual(evaluation.examples.count, 2)
  }

  func testBeamWidthOneEqualsGreedy() throws {
    for translator in [try trainedIdentity().translator, try Self.untrained(.bahdanau, bidirectional: true)] {
      let sources = Self.identityPairs(count: 20, seed: 11).sources.map { translator.sourceVocabulary.encode($0) }
      let greedy = translator.greedy(sources, maximumLength: 12)
      let beam = try sources.map { try translator.beamSearch($0, width: 1, maximumLength: 12) }
      XCTAssertEqual(beam, greedy)
    }
  }

  /// A translator with random weights over the identity vocabulary.
  static func untrained(
    _ attention: Seq2SeqAttentionConfiguration.Attention, bidirectional: Bool, layers: Int = 1
  ) throws -> Translator {
    let texts = identityPairs(count: 50, seed: 1).sources
    let source = Vocabulary.build(from: texts, tokenizer: .words)
    let target = Vocabulary.build(from: texts, tokenizer: .words)
    let configuration = Seq2SeqAttentionConfiguration(
      sourceVocabularySize: source.count, targetVocabularySize: target.count, embeddingSize: 8, hiddenSize: 12,
      layers: layers, bidirectional: bidirectional, attention: attention)
    let model = RandomSource.withSeed(5) { configuration.build() }
    return Translator(model: model, sourceVocabulary: source, targetVocabulary: target)
  }

  /// Padding after a sentence (when it shares a batch with a longer one) changes neither its
  /// logits nor its translation: the encoder stops at its length and attention masks the rest.
  func testSourcePaddingChangesNothing() throws {
    for attention in Seq2SeqAttentionConfiguration.Attention.allCases {
      for bidirectional in [false, true] {
        let translator = try Self.untrained(attention, bidirectional: bidirectional, layers: bidirectional ? 2 : 1)
        let model = translator.model
        let short = [4, 5, 6]
        let long = [7, 8, 9, 10, 11, 12, 4]
        let alone = translator.greedy([short], maximumLength: 10)[0]
        let padded = translator.greedy([long, short], maximumLength: 10)[1]
        XCTAssertEqual(alone, padded, "\(attention) bidirectional \(bidirectional)")
        let decoderInput = Tensor(shape: [1, 4], scalars: [2, 5, 6, 7])
        let logitsAlone = withoutGradients {
          model.logits(
            source: Tensor(shape: [1, 3], scalars: short.map(Float.init)), sourceLengths: [3],
            decoderInput: decoderInput)
        }.value
        let batch = PaddedBatch(sequences: [long, short])
        let logitsPadded = withoutGradients {
          model.logits(
            source: batch.idTensor, sourceLengths: batch.lengths,
            decoderInput: Tensor(shape: [2, 4], scalars: [2, 5, 6, 7, 2, 5, 6, 7]))
        }.value
        let v = logitsAlone.shape[2]
        let second = Array(logitsPadded.scalars[(4 * v)...])
        for (a, b) in zip(logitsAlone.scalars, second) {
          XCTAssertEqual(a, b, accuracy: 1e-5, "\(attention) bidirectional \(bidirectional)")
        }
        // The padding id itself does not matter either: fill the padding with other tokens.
        let scrambled = Tensor(shape: [2, 7], scalars: long.map(Float.init) + [4, 5, 6, 9, 9, 9, 9])
        let logitsScrambled = withoutGradients {
          model.logits(
            source: scrambled, sourceLengths: [7, 3],
            decoderInput: Tensor(shape: [2, 4], scalars: [2, 5, 6, 7, 2, 5, 6, 7]))
        }.value
        XCTAssertEqual(Array(logitsScrambled.scalars[(4 * v)...]), second)
      }
    }
  }

  func testConfigurationIsReadFromTheWeights() throws {
    for attention in Seq2SeqAttentionConfiguration.Attention.allCases {
      for (bidirectional, layers) in [(false, 1), (true, 2)] {
        let configuration = Seq2SeqAttentionConfiguration(
          sourceVocabularySize: 11, targetVocabularySize: 13, embeddingSize: 5, hiddenSize: 7, layers: layers,
          bidirectional: bidirectional, attention: attention)
        let model = configuration.build()
        let weights = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
        XCTAssertEqual(try Seq2SeqAttentionConfiguration(weights: weights, source: "test"), configuration)
      }
    }
    XCTAssertThrowsError(try Seq2SeqAttentionConfiguration(weights: [:], source: "w.safetensors")) { error in
      XCTAssertEqual(
        "\(error)", "w.safetensors: missing key \"encoder.embedding.weight\"; expected seq2seq-attn weights")
    }
  }

  func testKeysArePyTorchStyle() throws {
    let model = try Self.untrained(.luongGeneral, bidirectional: true).model
    let keys = Set(model.stateDict().map(\.name))
    for key in [
      "encoder.embedding.weight", "encoder.rnn.weight_ih_l0", "encoder.rnn.weight_hh_l0_reverse",
      "encoder.bridge.weight", "encoder.bridge.bias", "decoder.embedding.weight", "decoder.rnn.weight_ih_l0",
      "decoder.rnn.bias_hh_l0", "decoder.combine.weight", "decoder.output.weight", "decoder.output.bias",
    ] {
      XCTAssertTrue(keys.contains(key), key)
    }
  }

  func testSaveLoadAndResume() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("translation-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = Self.identityPairs(count: 120, seed: 9)
    var settings = Self.identitySettings()
    settings.hiddenSize = 16
    settings.epochs = 2
    let straight = try TranslationTraining(dataset: data, settings: settings)
    try straight.train()

    settings.epochs = 1
    let first = try TranslationTraining(dataset: data, settings: settings)
    let file = directory.appendingPathComponent("t.safetensors")
    try first.train(save: file)
    settings.epochs = 2
    let resumed = try TranslationTraining(dataset: data, settings: settings, resuming: file)
    XCTAssertEqual(resumed.completedEpochs, 1)
    try resumed.train(save: file)
    XCTAssertEqual(resumed.history.map(\.validationLoss), straight.history.map(\.validationLoss))
    for (a, b) in zip(resumed.translator.model.stateDict(), straight.translator.model.stateDict()) {
      XCTAssertEqual(a.name, b.name)
      XCTAssertEqual(a.value, b.value, a.name)
    }

    let loaded = try Translator(contentsOf: file)
    XCTAssertEqual(loaded.sourceVocabulary, straight.translator.sourceVocabulary)
    XCTAssertEqual(loaded.targetVocabulary, straight.translator.targetVocabulary)
    let sentences = Array(data.sources.prefix(5))
    XCTAssertEqual(
      try loaded.translate(sentences, beamWidth: 2), try straight.translator.translate(sentences, beamWidth: 2))

    XCTAssertThrowsError(try loaded.translate(["   "])) { error in
      XCTAssertEqual("\(error)", "the text \"   \" has no tokens to translate")
    }
    let plain = directory.appendingPathComponent("plain.safetensors")
    try writeStateDict(["x": Tensor(shape: [1], scalars: [1])], to: plain)
    XCTAssertThrowsError(try Translator(contentsOf: plain)) { error in
      XCTAssertTrue("\(error)".hasPrefix("\(plain.path): no convnet.vocabulary.source"), "\(error)")
    }
  }

  func testSettingsAreChecked() throws {
    var settings = TranslationSettings()
    settings.validationFraction = 1
    XCTAssertThrowsError(try TranslationTraining(dataset: Self.identityPairs(count: 10, seed: 1), settings: settings))
    { error in
      XCTAssertEqual((error as? SettingError)?.setting, "validationFraction")
    }
  }

  /// clip_grad_norm_ by hand: gradients (3, 4) and (12) have norm 13; clipped to 6.5 they are
  /// halved (up to the 1e-6 PyTorch adds to the norm).
  func testGradientNormClipping() {
    let a = Variable(Tensor(shape: [2], scalars: [0, 0]), requiresGrad: true)
    let b = Variable(Tensor(shape: [1], scalars: [0]), requiresGrad: true)
    let frozen = Variable(Tensor(shape: [1], scalars: [0]), requiresGrad: true)
    a.grad = Tensor(shape: [2], scalars: [3, 4])
    b.grad = Tensor(shape: [1], scalars: [12])
    XCTAssertEqual(clipGradientNorm([a, b, frozen], maxNorm: 100), 13)
    XCTAssertEqual(a.grad?.scalars, [3, 4])
    XCTAssertEqual(clipGradientNorm([a, b, frozen], maxNorm: 6.5), 13)
    let scale = Float(6.5) / (13 + 1e-6)
    XCTAssertEqual(a.grad?.scalars ?? [], [3 * scale, 4 * scale])
    XCTAssertEqual(b.grad?.scalars ?? [], [12 * scale])
    XCTAssertEqual(a.grad?.scalars[0] ?? 0, 1.5, accuracy: 1e-6)
    XCTAssertNil(frozen.grad)
  }
}

/// Teacher-forced logits of seq2seq-attn against the same network written with torch.nn
/// (packed GRU encoder, bridge, input-feeding decoder, each attention) by
/// Fixtures/translation/make_seq2seq_reference.py, for weights it drew and saved.
final class Seq2SeqAttentionParityTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/translation")

  func testLogitsEqualPyTorch() throws {
    let expectedConfigurations: [String: (Seq2SeqAttentionConfiguration.Attention, Bool, Int)] = [
      "luong_dot": (.luongDot, false, 1), "luong_general_bidirectional": (.luongGeneral, true, 2),
      "bahdanau": (.bahdanau, false, 2),
    ]
    for (name, (attention, bidirectional, layers)) in expectedConfigurations {
      let all = try readStateDict(from: Self.fixtures.appendingPathComponent("\(name).safetensors"))
      let weights = all.filter { !$0.key.hasPrefix("test.") }
      let configuration = try Seq2SeqAttentionConfiguration(weights: weights, source: name)
      XCTAssertEqual(configuration.attention, attention, name)
      XCTAssertEqual(configuration.bidirectional, bidirectional, name)
      XCTAssertEqual(configuration.layers, layers, name)
      let model = configuration.build()
      try model.loadStateDict(weights)
      let source = try XCTUnwrap(all["test.source"])
      let lengths = try XCTUnwrap(all["test.lengths"]).scalars.map { Int($0) }
      let logits = withoutGradients {
        model.logits(source: source, sourceLengths: lengths, decoderInput: try! XCTUnwrap(all["test.decoder_input"]))
      }.value
      let expected = try XCTUnwrap(all["test.logits"])
      XCTAssertEqual(logits.shape, expected.shape, name)
      for (index, (a, b)) in zip(logits.scalars, expected.scalars).enumerated() {
        XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "\(name) logit \(index)")
      }
    }
  }
}
