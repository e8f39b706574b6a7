import ConvNetAutograd
import ConvNetTensor

/// BatchNormalization (inference: the running statistics), InstanceNormalization and LRN.
///
/// InstanceNormalization and LRN are composed exactly from differentiable ops: means over the
/// spatial axes by `indexScatterSum`, the LRN's sum of squares over a channel window by laying
/// the window out with `indexGather`, and `raised(_:toPower:)` for the powers.
enum ONNXNormalizationOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "BatchNormalization": { context in
      let epsilon = try context.float("epsilon", default: 1e-5)
      context.ignore("momentum")  // only used to update statistics in training mode
      if try context.int("spatial", default: 1) != 1 {
        throw context.unsupported("BatchNormalization spatial 0", supported: "spatial 1")
      }
      if try context.int("training_mode", default: 0) != 0 {
        throw context.unsupported("BatchNormalization training_mode 1", supported: "inference (training_mode 0)")
      }
      if context.opset < 7, try context.int("is_test", default: 0) == 0 {
        throw context.unsupported("BatchNormalization with is_test 0 (training)", supported: "inference (is_test 1)")
      }
      try context.finish(outputs: 1)
      return { args in
        let x = try args.float(0)
        let scale = try args.float(1)
        let bias = try args.float(2)
        let mean = try args.float(3)
        let variance = try args.float(4)
        guard x.shape.count >= 2 else { throw args.fail("expects [N, C, …], got \(x.shape)") }
        let channels = x.shape[1]
        for (name, v) in [("scale", scale), ("B", bias), ("mean", mean), ("var", variance)]
        where v.shape != [channels] {
          throw args.fail("\(name) has shape \(v.shape), expected [\(channels)] for input \(x.shape)")
        }
        var statistics = BatchNormStatistics(channels: channels)
        statistics.runningMean = mean.value
        statistics.runningVariance = variance.value
        if x.value.count == 0 { return [.float(x)] }
        return [.float(batchNorm(x, weight: scale, bias: bias, statistics: &statistics, training: false, epsilon: epsilon))]
      }
    },
    "InstanceNormalization": { context in
      let epsilon = try context.float("epsilon", default: 1e-5)
      try context.finish()
      return { args in
        let x = try args.float(0)
        let scale = try args.float(1)
        let bias = try args.float(2)
        guard x.shape.count >= 3, scale.shape == [x.shape[1]], bias.shape == [x.shape[1]] else {
          throw args.fail("expects x [N, C, spatial…] with scale and B [C], got \(x.shape), \(scale.shape), \(bias.shape)")
        }
        let (n, c) = (x.shape[0], x.shape[1])
        let reduced = [n, c] + Array(repeating: 1, count: x.shape.count - 2)
        let mean = spatialMean(x, reduced: reduced)
        let centered = x - mean
        let variance = spatialMean(centered * centered, reduced: reduced)
        let normalized = centered * raised(variance + epsilon, toPower: -0.5)
        let perChannel = [c] + Array(repeating: 1, count: x.shape.count - 2)
        return [.float(normalized * scale.reshaped(perChannel) + bias.reshaped(perChannel))]
      }
    },
    "LRN": { context in
      let alpha = try context.float("alpha", default: 1e-4)
      let beta = try context.float("beta", default: 0.75)
      let bias = try context.float("bias", default: 1)
      guard let size = try context.int("size"), size > 0 else {
        throw ONNXImportError.malformed(node: context.label, reason: "size must be a positive int")
      }
      try context.finish()
      return { args in
        let x = try args.float(0)
        guard x.shape.count >= 3 else { throw args.fail("expects [N, C, spatial…], got \(x.shape)") }
        let (n, c) = (x.shape[0], x.shape[1])
        let pixels = x.value.count / max(n * c, 1)
        // square_sum[n, c] = Σ x²[n, c'] for c' in [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉].
        let low = (size - 1) / 2
        let squares = (x * x).reshaped([n, c, pixels])
        let windowShape = [n, c, pixels, size]
        let sources = sourceMap(shape: windowShape) { index in
          let channel = index[1] - low + index[3]
          guard channel >= 0, channel < c else { return nil }
          return (index[0] * c + channel) * pixels + index[2]
        }
        let windows = indexGather(squares, sources: sources, shape: windowShape)
        let targets = (0..<windows.value.count).map { Int32($0 / size) }
        let sums = indexScatterSum(windows, targets: targets, shape: [n, c, pixels]).reshaped(x.shape)
        return [.float(x * raised(sums * (alpha / Float(size)) + bias, toPower: -beta))]
      }
    },
  ]

  /// The mean of x [N, C, spatial…] over its spatial axes, shaped `reduced` ([N, C, 1, …]).
  static func spatialMean(_ x: Variable, reduced: [Int]) -> Variable {
    let groups = reduced[0] * reduced[1]
    let size = x.value.count / max(groups, 1)
    let targets = (0..<x.value.count).map { Int32($0 / size) }
    return indexScatterSum(x, targets: targets, shape: reduced) * (1 / Float(max(size, 1)))
  }
}
