import ConvNetTensor

/// A token stream cut into windows for a language model: window i's inputs are T ids and its
/// targets the same T ids shifted by one (each position predicts the next token).
public struct LanguageModelWindows: Sendable {
  /// The ids the windows are cut from.
  public let stream: [Int]
  /// T: the ids per window.
  public let length: Int
  /// How far each window starts after the previous one (`length`: windows do not overlap).
  public let stride: Int

  /// The stream of `documents`: each one's ids followed by `<eos>`, so the model learns where a
  /// poem ends (and generation can stop there).
  public static func stream(of documents: [String], vocabulary: Vocabulary) -> [Int] {
    var ids: [Int] = []
    for document in documents { ids += vocabulary.encode(document, addEnd: true) }
    return ids
  }

  /// - Parameters:
  ///   - length: T ≥ 1.
  ///   - stride: by default `length` (non-overlapping windows, as char-rnn cuts its text).
  /// - Throws: `DataError` when the stream is shorter than one window plus its shifted target
  ///   (T + 1 ids), or T or the stride is below 1.
  public init(stream: [Int], length: Int, stride: Int? = nil) throws {
    let stride = stride ?? length
    guard length >= 1 && stride >= 1 else {
      throw DataError(
        file: "language-model windows", field: length < 1 ? "length" : "stride",
        problem: "is \(length < 1 ? length : stride), expected at least 1")
    }
    guard stream.count >= length + 1 else {
      throw DataError(
        file: "language-model windows", field: "text",
        problem: "has \(stream.count) tokens, expected at least \(length + 1) for one window of \(length) "
          + "and its next-token targets; use a shorter window")
    }
    self.stream = stream
    self.length = length
    self.stride = stride
  }

  /// N: the windows that fit, each with all its targets inside the stream.
  public var count: Int { (stream.count - 1 - length) / stride + 1 }

  /// Window `index`'s inputs.
  public func inputs(_ index: Int) -> ArraySlice<Int> {
    stream[(index * stride)..<(index * stride + length)]
  }

  /// Window `index`'s targets: its inputs shifted by one.
  public func targets(_ index: Int) -> ArraySlice<Int> {
    stream[(index * stride + 1)..<(index * stride + length + 1)]
  }

  /// The windows at `indices` as row-major [N, T] inputs and targets.
  public func batch(_ indices: [Int]) -> (inputs: [Int], targets: [Int]) {
    var inputs: [Int] = []
    var targets: [Int] = []
    inputs.reserveCapacity(indices.count * length)
    targets.reserveCapacity(indices.count * length)
    for index in indices {
      inputs += self.inputs(index)
      targets += self.targets(index)
    }
    return (inputs, targets)
  }
}
