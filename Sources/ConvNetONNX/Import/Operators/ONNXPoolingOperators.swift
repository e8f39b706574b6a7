import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// MaxPool, AveragePool (any number of spatial axes, pads per side, auto_pad, ceil_mode,
/// count_include_pad, dilations), GlobalAveragePool and GlobalMaxPool.
///
/// The common 2-D case (pads equal on both sides and at most half the window, no dilation) runs
/// on the pooling kernels, whose output-size and divisor rules are PyTorch's — the same as the
/// ONNX reference (a ceil-mode window that would start in the end padding is dropped; an
/// average that counts padding counts it only up to the padded edge). Every other case lays the
/// windows out along a last axis with `indexGather` (padding as −∞ for max, 0 for average) and
/// reduces it: `maxAlongLastAxis`, or a sum (`indexScatterSum`) times the per-window divisor.
enum ONNXPoolingOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "MaxPool": { context in try compilePool(context, max: true) },
    "AveragePool": { context in try compilePool(context, max: false) },
    "GlobalAveragePool": { context in
      try context.finish()
      return { args in
        let x = try args.float(0)
        guard x.shape.count >= 3 else { throw args.fail("expects [N, C, spatial…], got \(x.shape)") }
        if x.shape.count == 4 { return [.float(adaptiveAvgPool2d(x, outputHeight: 1, outputWidth: 1))] }
        let (n, c) = (x.shape[0], x.shape[1])
        let size = x.value.count / max(n * c, 1)
        let targets = (0..<x.value.count).map { Int32($0 / size) }
        let sum = indexScatterSum(x, targets: targets, shape: [n, c] + Array(repeating: 1, count: x.shape.count - 2))
        return [.float(sum * (1 / Float(size)))]
      }
    },
    "GlobalMaxPool": { context in
      try context.finish()
      return { args in
        let x = try args.float(0)
        guard x.shape.count >= 3, x.value.count > 0 else { throw args.fail("expects [N, C, spatial…], got \(x.shape)") }
        let (n, c) = (x.shape[0], x.shape[1])
        let maxima = maxAlongLastAxis(x.reshaped([n, c, x.value.count / (n * c)]))
        return [.float(maxima.reshaped([n, c] + Array(repeating: 1, count: x.shape.count - 2)))]
      }
    },
  ]

  static func compilePool(_ context: ONNXNodeContext, max isMax: Bool) throws -> ONNXKernel {
    let autoPad = try context.string("auto_pad") ?? "NOTSET"
    let ceilMode = try context.int("ceil_mode", default: 0) != 0
    guard let kernel = try context.ints("kernel_shape") else {
      throw ONNXImportError.malformed(node: context.label, reason: "kernel_shape is required")
    }
    let pads = try context.ints("pads")
    let strides = try context.ints("strides") ?? Array(repeating: 1, count: kernel.count)
    let dilations = try context.ints("dilations") ?? Array(repeating: 1, count: kernel.count)
    let countIncludePad = isMax ? false : try context.int("count_include_pad", default: 0) != 0
    if isMax {
      // storage_order only orders the Indices output, which is refused below.
      context.ignore("storage_order")
    }
    try context.finish(outputs: 1)
    let autoPads = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"]
    guard autoPads.contains(autoPad) else {
      throw context.unsupported("auto_pad \(autoPad)", supported: autoPads.joined(separator: ", "))
    }
    let rank = kernel.count
    guard strides.count == rank, dilations.count == rank, pads == nil || pads!.count == 2 * rank,
      kernel.allSatisfy({ $0 > 0 }), strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 })
    else {
      throw ONNXImportError.malformed(
        node: context.label, reason: "kernel_shape \(kernel), strides \(strides), dilations \(dilations) and pads \(pads ?? []) disagree")
    }
    return { args in
      let x = try args.float(0)
      guard x.shape.count == rank + 2 else {
        throw args.fail("input \(x.shape) does not have \(rank) spatial axes")
      }
      let input = Array(x.shape[2...])
      // Pads and output size per axis (ONNX reference rules).
      var before = pads.map { Array($0[..<rank]) } ?? Array(repeating: 0, count: rank)
      var after = pads.map { Array($0[rank...]) } ?? Array(repeating: 0, count: rank)
      var output = [Int](repeating: 0, count: rank)
      for axis in 0..<rank {
        let window = (kernel[axis] - 1) * dilations[axis] + 1
        switch autoPad {
        case "SAME_UPPER", "SAME_LOWER":
          output[axis] = (input[axis] + strides[axis] - 1) / strides[axis]
          let total = Swift.max(0, (output[axis] - 1) * strides[axis] + window - input[axis])
          let small = total / 2
          (before[axis], after[axis]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
        case "VALID":
          (before[axis], after[axis]) = (0, 0)
          output[axis] = (input[axis] - window) / strides[axis] + 1
          if ceilMode { output[axis] = (input[axis] - window + strides[axis] - 1) / strides[axis] + 1 }
        default:
          let span = input[axis] + before[axis] + after[axis] - window
          if ceilMode {
            output[axis] = (span + strides[axis] - 1) / strides[axis] + 1
            if (output[axis] - 1) * strides[axis] >= input[axis] + before[axis] { output[axis] -= 1 }
          } else {
            output[axis] = span >= 0 ? span / strides[axis] + 1 : 0
          }
        }
        guard output[axis] > 0, input[axis] + before[axis] + after[axis] >= window || ceilMode else {
          throw args.fail("input \(x.shape) is smaller than the window \(kernel) with pads \(before)+\(after)")
        }
      }
      // Fast path: the 2-D kernels.
      if rank == 2, before == after, dilations == [1, 1], before[0] <= kernel[0] / 2, before[1] <= kernel[1] / 2,
        autoPad == "NOTSET" || before == after
      {
        let settings = Pool2DSettings(
          kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: strides[0], strideWidth: strides[1],
          paddingHeight: before[0], paddingWidth: before[1], ceilMode: ceilMode)
        let geometry = Pool2DGeometry(input: x.shape, settings: settings)
        if geometry.validate() == nil, [geometry.outputHeight, geometry.outputWidth] == output {
          return [
            .float(isMax ? maxPool2d(x, settings: settings) : avgPool2d(x, settings: settings, countIncludePad: countIncludePad))
          ]
        }
      }
      return [.float(windowPool(x, kernel: kernel, strides: strides, dilations: dilations, before: before, after: after,
        output: output, isMax: isMax, countIncludePad: countIncludePad))]
    }
  }

  /// Pooling through windows laid out along a last axis (see the type's documentation).
  static func windowPool(
    _ x: Variable, kernel: [Int], strides: [Int], dilations: [Int], before: [Int], after: [Int], output: [Int],
    isMax: Bool, countIncludePad: Bool
  ) -> Variable {
    let rank = kernel.count
    let input = Array(x.shape[2...])
    let windowCount = kernel.reduce(1, *)
    let outputShape = Array(x.shape[..<2]) + output
    let xStrides = rowMajorStrides(x.shape)
    let kernelStrides = rowMajorStrides(kernel)
    // Which window positions count: inside the padded input (always), inside the image (max,
    // and average without padding).
    func position(_ index: [Int], axis: Int, tap: Int) -> Int {
      index[2 + axis] * strides[axis] + tap * dilations[axis] - before[axis]
    }
    let windowShape = outputShape + [windowCount]
    let sources = sourceMap(shape: windowShape) { index in
      var offset = index[0] * xStrides[0] + index[1] * xStrides[1]
      var tapIndex = index[rank + 2]
      for axis in 0..<rank {
        let tap = tapIndex / kernelStrides[axis]
        tapIndex %= kernelStrides[axis]
        let p = position(index, axis: axis, tap: tap)
        guard p >= 0, p < input[axis] else { return nil }
        offset += p * xStrides[2 + axis]
      }
      return offset
    }
    if isMax {
      return maxAlongLastAxis(indexGather(x, sources: sources, shape: windowShape, fill: -Float.infinity))
    }
    // The divisor of each output: the taps inside the padded input (count_include_pad) or
    // inside the image.
    var divisors = [Float](repeating: 0, count: Tensor.elementCount(of: output))
    var outputIndex = [Int](repeating: 0, count: rank + 2)
    for flat in 0..<divisors.count {
      var rest = flat
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        outputIndex[2 + axis] = rest % output[axis]
        rest /= output[axis]
      }
      var count = 1
      for axis in 0..<rank {
        var taps = 0
        for tap in 0..<kernel[axis] {
          let p = position(outputIndex, axis: axis, tap: tap)
          let limit = countIncludePad ? (-before[axis], input[axis] + after[axis]) : (0, input[axis])
          if p >= limit.0 && p < limit.1 { taps += 1 }
        }
        count *= taps
      }
      divisors[flat] = count > 0 ? 1 / Float(count) : 0
    }
    let windows = indexGather(x, sources: sources, shape: windowShape, fill: 0)
    let targets = (0..<windows.value.count).map { Int32($0 / windowCount) }
    let sums = indexScatterSum(windows, targets: targets, shape: outputShape)
    return sums * Variable(Tensor(shape: output, scalars: divisors))
  }
}
