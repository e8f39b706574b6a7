extension Tensor {
  /// Values drawn independently from U(low, high).
  public static func randomUniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout SeededGenerator
  ) -> Tensor {
    var result = Tensor(uninitializedShape: shape)
    let width = high - low
    result.withUnsafeMutableBufferPointer { buffer in
      for i in buffer.indices { buffer[i] = low + width * generator.nextUnitFloat() }
    }
    return result
  }

  /// Values drawn independently from N(mean, standardDeviation²).
  public static func randomNormal(
    _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
    using generator: inout SeededGenerator
  ) -> Tensor {
    var result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { buffer in
      for i in buffer.indices { buffer[i] = mean + standardDeviation * generator.nextNormal() }
    }
    return result
  }
}
