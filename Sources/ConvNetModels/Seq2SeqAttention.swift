import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import Foundation

/// The sizes and choices of a `Seq2SeqAttention` translator — everything needed to build it,
/// and everything `init(weights:source:)` reads back from a weight file's tensor shapes.
public struct Seq2SeqAttentionConfiguration: Codable, Equatable, Sendable {
  /// The catalogue name of the architecture (`--arch seq2seq-attn`).
  public static let architectureName = "seq2seq-attn"

  /// How the decoder scores an encoder position against its hidden state h (Luong et al. 2015,
  /// Bahdanau et al. 2015).
  public enum Attention: String, Codable, CaseIterable, Sendable {
    /// score = hᵀ·m (no parameters).
    case luongDot = "luong-dot"
    /// score = hᵀ·W·m (`decoder.attention` holds W).
    case luongGeneral = "luong-general"
    /// score = vᵀ·tanh(W₁·h + W₂·m) (additive; `decoder.attention` holds W₁, W₂, v).
    case bahdanau
  }

  public var sourceVocabularySize: Int
  public var targetVocabularySize: Int
  /// The width of both embeddings.
  public var embeddingSize: Int
  /// The GRUs' hidden size H (per direction in the encoder).
  public var hiddenSize: Int
  /// GRU layers of the encoder and of the decoder.
  public var layers: Int
  /// A bidirectional encoder, joined to the decoder's width by `encoder.bridge`.
  public var bidirectional: Bool
  public var attention: Attention

  public init(
    sourceVocabularySize: Int, targetVocabularySize: Int, embeddingSize: Int = 128, hiddenSize: Int = 256,
    layers: Int = 1, bidirectional: Bool = false, attention: Attention = .luongGeneral
  ) {
    self.sourceVocabularySize = sourceVocabularySize
    self.targetVocabularySize = targetVocabularySize
    self.embeddingSize = embeddingSize
    self.hiddenSize = hiddenSize
    self.layers = layers
    self.bidirectional = bidirectional
    self.attention = attention
  }

  /// The configuration of weights saved from a `Seq2SeqAttention` (by ConvNet or by the same
  /// PyTorch module): vocabulary sizes and the embedding width from the embeddings, H from
  /// `encoder.rnn.weight_hh_l0` [3H, H], the layer count from the `weight_hh_l…` keys,
  /// bidirectional from `…_reverse` keys, the attention from `decoder.attention`'s keys.
  /// - Throws: `StateDictError` naming `source` and the missing key or the shape that does
  ///   not fit.
  public init(weights: [String: Tensor], source: String) throws {
    func shape(_ key: String, rank: Int) throws -> [Int] {
      guard let tensor = weights[key] else {
        throw StateDictError("\(source): missing key \"\(key)\"; expected seq2seq-attn weights")
      }
      guard tensor.rank == rank, tensor.shape.allSatisfy({ $0 > 0 }) else {
        throw StateDictError("\(source): \"\(key)\" has shape \(tensor.shape), expected rank \(rank)")
      }
      return tensor.shape
    }
    let sourceEmbedding = try shape("encoder.embedding.weight", rank: 2)
    let targetEmbedding = try shape("decoder.embedding.weight", rank: 2)
    let recurrent = try shape("encoder.rnn.weight_hh_l0", rank: 2)
    guard recurrent[0] == 3 * recurrent[1] else {
      throw StateDictError(
        "\(source): \"encoder.rnn.weight_hh_l0\" has shape \(recurrent), expected [3H, H] (a GRU)")
    }
    guard sourceEmbedding[1] == targetEmbedding[1] else {
      throw StateDictError(
        "\(source): the embeddings' widths differ (\(sourceEmbedding[1]) and \(targetEmbedding[1]))")
    }
    var layers = 1
    while weights["encoder.rnn.weight_hh_l\(layers)"] != nil { layers += 1 }
    let attention: Attention
    if weights.keys.contains(where: { $0.hasPrefix("decoder.attention.") }) {
      let names = weights.keys.filter { $0.hasPrefix("decoder.attention.") }
      attention = names.count == 1 ? .luongGeneral : .bahdanau
    } else {
      attention = .luongDot
    }
    self.init(
      sourceVocabularySize: sourceEmbedding[0], targetVocabularySize: targetEmbedding[0],
      embeddingSize: sourceEmbedding[1], hiddenSize: recurrent[1], layers: layers,
      bidirectional: weights["encoder.rnn.weight_hh_l0_reverse"] != nil, attention: attention)
  }

  /// Builds the model with fresh weights drawn from `RandomSource.current`.
  public func build() -> Seq2SeqAttention { Seq2SeqAttention(self) }
}

/// An encoder–decoder with attention for translation (the course's chapter 7; Luong, Pham and
/// Manning 2015, "Effective Approaches to Attention-based Neural Machine Translation").
///
/// **Encoder** (`encoder.`): `embedding` = Embedding(V_src, E) → `rnn` = GRU(E, H, L layers,
/// batch-first), unidirectional or bidirectional. Padded source steps are skipped (the GRU runs
/// with the source lengths, as PyTorch's packed sequences), so padding changes nothing.
/// Bidirectional: the two directions' outputs [N, S, 2H] and, per layer, the final forward and
/// backward states are mapped to the decoder's width H by one `bridge` = Linear(2H, H) followed
/// by tanh (the same map for every position and for the states: both are the two directions'
/// hidden states side by side).
///
/// **Decoder** (`decoder.`), one step at a time, with input feeding (Luong §3.3): the input is
/// the target embedding (`embedding` = Embedding(V_tgt, E)) of the previous token beside the
/// previous step's attentional vector h̃ (zero at the first step); `rnn` = GRU(E + H, H, L
/// layers) starts from the encoder's final state; the top layer's output h attends over the
/// encoder outputs (`attention`: `--attention luong-dot | luong-general | bahdanau`, masked so
/// that padded source positions get weight 0); h̃ = tanh(`combine`([context; h])) with
/// `combine` = Linear(2H, H); `output` = Linear(H, V_tgt) gives the next token's logits.
/// Bahdanau's additive score is used in the same place (the query is the current h).
///
/// Calling the module on source ids [N, S] (no padding) returns the encoder's memory [N, S, H];
/// training uses `logits(source:sourceLengths:decoderInput:)`, translation a `Translator`.
public final class Seq2SeqAttention: Module {
  public let configuration: Seq2SeqAttentionConfiguration
  public let encoder: Seq2SeqEncoder
  public let decoder: AttentionDecoder

  public init(_ configuration: Seq2SeqAttentionConfiguration) {
    self.configuration = configuration
    encoder = Seq2SeqEncoder(configuration)
    decoder = AttentionDecoder(configuration)
  }

  public var children: [(name: String, module: any Module)] {
    [("encoder", encoder), ("decoder", decoder)]
  }

  public func forward(_ input: Variable) -> Variable {
    let lengths = [Int](repeating: input.shape[1], count: input.shape[0])
    return encoder.encode(input, lengths: lengths).memory
  }

  /// Teacher-forced logits [N, T, V_tgt]: step t reads `decoderInput[:, t]` (`<bos>` + target)
  /// and predicts the next target token.
  /// - Parameters:
  ///   - source: ids [N, S] as floats (`PaddedBatch.idTensor`), padded after each row's length.
  ///   - sourceLengths: each row's length (≥ 1).
  ///   - decoderInput: ids [N, T].
  public func logits(source: Tensor, sourceLengths: [Int], decoderInput: Tensor) -> Variable {
    let encoded = encoder.encode(Variable(source), lengths: sourceLengths)
    let attentional = decoder.teacherForced(decoderInput, encoded: encoded)
    let n = decoderInput.shape[0]
    let t = decoderInput.shape[1]
    return decoder(attentional.reshaped([n * t, configuration.hiddenSize])).reshaped(
      [n, t, configuration.targetVocabularySize])
  }
}

/// What the decoder attends to: the encoder's outputs at the decoder's width, the mask of real
/// (non-padding) source positions and the encoder's final state for the decoder to start from.
public struct EncodedSource {
  /// [N, S, H].
  public var memory: Variable
  /// [N, S]: 1 at a source token, 0 at padding.
  public var mask: Tensor
  /// [L, N, H].
  public var finalState: Variable

  public init(memory: Variable, mask: Tensor, finalState: Variable) {
    self.memory = memory
    self.mask = mask
    self.finalState = finalState
  }

  /// The rows `rows` (repeats allowed), for decoding several hypotheses per sentence.
  public func selectingRows(_ rows: [Int]) -> EncodedSource {
    let maskRows = Variable(mask)
    return EncodedSource(
      memory: indexSelect(memory, axis: 0, indices: rows),
      mask: indexSelect(maskRows, axis: 0, indices: rows).value,
      finalState: indexSelect(finalState, axis: 1, indices: rows))
  }
}

/// The source side of `Seq2SeqAttention`: embedding → GRU (→ bridge when bidirectional).
public final class Seq2SeqEncoder: Module {
  public let embedding: Embedding
  public let rnn: GRU
  /// Linear(2H, H), only for a bidirectional encoder.
  public let bridge: Linear?
  let hiddenSize: Int
  let layers: Int

  init(_ configuration: Seq2SeqAttentionConfiguration) {
    embedding = Embedding(
      numEmbeddings: configuration.sourceVocabularySize, embeddingDim: configuration.embeddingSize,
      paddingIdx: 0)
    rnn = GRU(
      inputSize: configuration.embeddingSize, hiddenSize: configuration.hiddenSize,
      numLayers: configuration.layers, batchFirst: true, bidirectional: configuration.bidirectional)
    bridge =
      configuration.bidirectional ? Linear(2 * configuration.hiddenSize, configuration.hiddenSize) : nil
    hiddenSize = configuration.hiddenSize
    layers = configuration.layers
  }

  public var children: [(name: String, module: any Module)] {
    [("embedding", embedding), ("rnn", rnn)] + (bridge.map { [("bridge", $0)] } ?? [])
  }

  /// The memory [N, S, H] of unpadded source ids [N, S].
  public func forward(_ input: Variable) -> Variable {
    encode(input, lengths: [Int](repeating: input.shape[1], count: input.shape[0])).memory
  }

  /// Encodes source ids [N, S] whose row i has `lengths[i]` real tokens.
  public func encode(_ ids: Variable, lengths: [Int]) -> EncodedSource {
    let n = ids.shape[0]
    let s = ids.shape[1]
    var maskValues = [Float](repeating: 0, count: n * s)
    for (row, length) in lengths.enumerated() {
      for column in 0..<min(length, s) { maskValues[row * s + column] = 1 }
    }
    let mask = Tensor(shape: [n, s], scalars: maskValues)
    let (output, state) = rnn.run(embedding(ids), initialState: nil, lengths: lengths)
    guard let bridge else { return EncodedSource(memory: output, mask: mask, finalState: state.hidden) }
    // Both directions side by side → H, for every position and for each layer's final states.
    // Padded positions are zero in both directions; after the bridge they are tanh(b), which
    // the attention mask keeps out.
    let memory = tanh(bridge(output.reshaped([n * s, 2 * hiddenSize]))).reshaped([n, s, hiddenSize])
    var states: [Variable] = []
    for layer in 0..<layers {
      let forward = narrow(state.hidden, axis: 0, start: 2 * layer, length: 1).reshaped([n, hiddenSize])
      let backward = narrow(state.hidden, axis: 0, start: 2 * layer + 1, length: 1).reshaped([n, hiddenSize])
      states.append(tanh(bridge(concatenate([forward, backward], axis: 1))).reshaped([1, n, hiddenSize]))
    }
    return EncodedSource(memory: memory, mask: mask, finalState: concatenate(states, axis: 0))
  }
}

/// The decoder's state between steps: the GRU's hidden state and the last attentional vector
/// (fed to the next step's input).
public struct DecoderState {
  /// [L, N, H].
  public var hidden: Variable
  /// [N, H].
  public var attentional: Variable

  /// The rows `rows` (repeats allowed): how beam search reorders its hypotheses.
  public func selectingRows(_ rows: [Int]) -> DecoderState {
    DecoderState(
      hidden: indexSelect(hidden, axis: 1, indices: rows),
      attentional: indexSelect(attentional, axis: 0, indices: rows))
  }
}

/// The target side of `Seq2SeqAttention`: embedding, GRU with input feeding, attention,
/// combination and output projection.
public final class AttentionDecoder: Module {
  public let embedding: Embedding
  public let rnn: GRU
  public let attention: any Module
  public let combine: Linear
  public let output: Linear
  let configuration: Seq2SeqAttentionConfiguration

  init(_ configuration: Seq2SeqAttentionConfiguration) {
    let h = configuration.hiddenSize
    self.configuration = configuration
    embedding = Embedding(
      numEmbeddings: configuration.targetVocabularySize, embeddingDim: configuration.embeddingSize,
      paddingIdx: 0)
    rnn = GRU(
      inputSize: configuration.embeddingSize + h, hiddenSize: h, numLayers: configuration.layers,
      batchFirst: true)
    switch configuration.attention {
    case .luongDot: attention = LuongAttention(hiddenSize: h, score: .dot)
    case .luongGeneral: attention = LuongAttention(hiddenSize: h, score: .general)
    case .bahdanau: attention = BahdanauAttention(queryDim: h, keyDim: h, hiddenDim: h)
    }
    combine = Linear(2 * h, h)
    output = Linear(h, configuration.targetVocabularySize)
  }

  public var children: [(name: String, module: any Module)] {
    [("embedding", embedding), ("rnn", rnn), ("attention", attention), ("combine", combine), ("output", output)]
  }

  /// The logits [M, V] of attentional vectors [M, H] (the output projection).
  public func forward(_ input: Variable) -> Variable { output(input) }

  /// The state before the first step: the encoder's final state, a zero attentional vector.
  public func initialState(_ encoded: EncodedSource) -> DecoderState {
    let n = encoded.memory.shape[0]
    return DecoderState(
      hidden: encoded.finalState,
      attentional: Variable(Tensor(shape: [n, configuration.hiddenSize], repeating: 0)))
  }

  /// One step: reads `tokens` (one id per row) and returns the new state; its attentional
  /// vector gives the next token's logits through `forward`.
  public func step(tokens: Tensor, state: DecoderState, encoded: EncodedSource) -> DecoderState {
    let n = tokens.count
    let h = configuration.hiddenSize
    let embedded = embedding(Variable(tokens.reshaped([n, 1]))).reshaped([n, configuration.embeddingSize])
    let input = concatenate([embedded, state.attentional], axis: 1).reshaped(
      [n, 1, configuration.embeddingSize + h])
    let (top, recurrent) = rnn.run(input, initialState: RecurrentState(hidden: state.hidden, cell: nil))
    let query = top.reshaped([n, h])
    let context = attend(query: query, encoded: encoded)
    let attentional = tanh(combine(concatenate([context, query], axis: 1)))
    return DecoderState(hidden: recurrent.hidden, attentional: attentional)
  }

  func attend(query: Variable, encoded: EncodedSource) -> Variable {
    switch attention {
    case let luong as LuongAttention:
      return luong.attend(query: query, keys: encoded.memory, mask: encoded.mask).context
    case let bahdanau as BahdanauAttention:
      return bahdanau.attend(query: query, keys: encoded.memory, mask: encoded.mask).context
    default:
      preconditionFailure("AttentionDecoder: attention is built from the configuration")
    }
  }

  /// The attentional vectors [N, T, H] of teacher forcing over `decoderInput` ids [N, T].
  public func teacherForced(_ decoderInput: Tensor, encoded: EncodedSource) -> Variable {
    let n = decoderInput.shape[0]
    let t = decoderInput.shape[1]
    let ids = decoderInput.scalars
    var state = initialState(encoded)
    var steps: [Variable] = []
    for column in 0..<t {
      let tokens = Tensor(shape: [n], scalars: (0..<n).map { ids[$0 * t + column] })
      state = step(tokens: tokens, state: state, encoded: encoded)
      steps.append(state.attentional.reshaped([n, 1, configuration.hiddenSize]))
    }
    return concatenate(steps, axis: 1)
  }
}
