import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// Conv and ConvTranspose over 1-D and 2-D images (a 1-D image runs as a 2-D image of height 1).
///
/// ConvTranspose is composed exactly from existing ops: the input with s − 1 zeros inserted
/// between pixels and padded by d·(k − 1) − pad on each side (plus output_padding at the end),
/// convolved at stride 1 and dilation d with the kernel flipped in space and its two channel
/// axes swapped within each group — the adjoint of the strided convolution, as every framework
/// defines it. Both re-indexings are `indexGather`, so input and weight gradients flow.
enum ONNXConvolutionOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "Conv": { context in try compileConvolution(context, transposed: false) },
    "ConvTranspose": { context in try compileConvolution(context, transposed: true) },
  ]

  /// The spatial settings shared by Conv and ConvTranspose.
  struct Settings {
    var autoPad: String
    var dilations: [Int]?
    var strides: [Int]?
    var pads: [Int]?
    var groups: Int
    var kernelShape: [Int]?
    var outputPadding: [Int]?
    var outputShape: [Int]?
  }

  static func compileConvolution(_ context: ONNXNodeContext, transposed: Bool) throws -> ONNXKernel {
    var settings = Settings(
      autoPad: try context.string("auto_pad") ?? "NOTSET", dilations: try context.ints("dilations"),
      strides: try context.ints("strides"), pads: try context.ints("pads"),
      groups: try context.int("group", default: 1), kernelShape: try context.ints("kernel_shape"))
    if transposed {
      settings.outputPadding = try context.ints("output_padding")
      settings.outputShape = try context.ints("output_shape")
    }
    try context.finish()
    let autoPads = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"]
    guard autoPads.contains(settings.autoPad) else {
      throw context.unsupported("auto_pad \(settings.autoPad)", supported: autoPads.joined(separator: ", "))
    }
    let spatial = settings.kernelShape?.count ?? context.knownShape(ofInput: 1).map { $0.count - 2 }
    if let spatial, spatial != 1 && spatial != 2 {
      throw context.unsupported(
        "\(context.node.opType) with \(spatial) spatial dimensions", supported: "1-D and 2-D convolutions")
    }
    guard settings.groups >= 1 else {
      throw ONNXImportError.malformed(node: context.label, reason: "group must be positive, got \(settings.groups)")
    }
    return { args in
      let x = try args.float(0)
      let w = try args.float(1)
      let b = try args.optionalFloat(2)
      guard x.shape.count == w.shape.count, x.shape.count == 3 || x.shape.count == 4 else {
        throw ONNXImportError.unsupported(
          node: args.label, what: "input \(x.shape) with weight \(w.shape)",
          supported: "1-D and 2-D convolutions ([N, C, L] or [N, C, H, W] with a weight of equal rank)")
      }
      // Lift 1-D to 2-D: height 1.
      let lift = x.shape.count == 3
      let x4 = lift ? x.reshaped([x.shape[0], x.shape[1], 1, x.shape[2]]) : x
      let w4 = lift ? w.reshaped([w.shape[0], w.shape[1], 1, w.shape[2]]) : w
      func pair(_ values: [Int]?, _ fallback: Int) -> [Int] {
        guard let values else { return [fallback, fallback] }
        return lift ? [fallback] + values : values
      }
      let strides = pair(settings.strides, 1)
      let dilations = pair(settings.dilations, 1)
      let kernel = [w4.shape[2], w4.shape[3]]
      let input = [x4.shape[2], x4.shape[3]]
      var before = [0, 0]
      var after = [0, 0]
      if let pads = settings.pads {
        guard pads.count == 2 * (lift ? 1 : 2) else { throw args.fail("pads \(pads) do not match the rank") }
        if lift { (before, after) = ([0, pads[0]], [0, pads[1]]) } else { (before, after) = ([pads[0], pads[1]], [pads[2], pads[3]]) }
      }
      let output: Variable
      if transposed {
        output = try convTranspose(
          x4, weight: w4, bias: b, strides: strides, dilations: dilations, kernel: kernel, input: input,
          before: before, after: after, settings: settings, lift: lift, args: args)
      } else {
        if settings.autoPad != "NOTSET" {
          for axis in 0..<2 {
            if settings.autoPad == "VALID" { (before[axis], after[axis]) = (0, 0); continue }
            let out = (input[axis] + strides[axis] - 1) / strides[axis]
            let total = max(0, (out - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - input[axis])
            let small = total / 2
            (before[axis], after[axis]) = settings.autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
          }
        }
        let geometry = Conv2DSettings(
          strideHeight: strides[0], strideWidth: strides[1], paddingTop: before[0], paddingBottom: after[0],
          paddingLeft: before[1], paddingRight: after[1], dilationHeight: dilations[0],
          dilationWidth: dilations[1], groups: settings.groups)
        try check(x4, w4, b, geometry, args)
        output = conv2d(x4, weight: w4, bias: b, settings: geometry)
      }
      return [.float(lift ? output.reshaped([output.shape[0], output.shape[1], output.shape[3]]) : output)]
    }
  }

  /// Checks what `conv2d` would otherwise stop the program for.
  static func check(_ x: Variable, _ w: Variable, _ b: Variable?, _ settings: Conv2DSettings, _ args: ONNXArguments) throws {
    let geometry = Conv2DGeometry(input: x.shape, weight: w.shape, settings: settings)
    if let problem = geometry.validate() { throw args.fail(problem) }
    guard w.shape[1] * settings.groups == x.shape[1] else {
      throw args.fail("weight \(w.shape) does not fit input \(x.shape) with group \(settings.groups)")
    }
    if let b, b.shape != [w.shape[0]] { throw args.fail("bias \(b.shape) does not match weight \(w.shape)") }
  }

  static func convTranspose(
    _ x: Variable, weight w: Variable, bias: Variable?, strides: [Int], dilations: [Int], kernel: [Int],
    input: [Int], before: [Int], after: [Int], settings: Settings, lift: Bool, args: ONNXArguments
  ) throws -> Variable {
    let groups = settings.groups
    let (n, c) = (x.shape[0], x.shape[1])
    guard c == w.shape[0], c % groups == 0 else {
      throw args.fail("weight \(w.shape) does not fit input \(x.shape) with group \(groups)")
    }
    let outPerGroup = w.shape[1]
    var outputPadding = [0, 0]
    if let op = settings.outputPadding { outputPadding = lift ? [0] + op : op }
    var before = before
    var after = after
    // The output size before padding is removed, per axis.
    var full = [0, 0]
    for axis in 0..<2 {
      let span: Int = (kernel[axis] - 1) * dilations[axis] + 1
      full[axis] = strides[axis] * (input[axis] - 1) + outputPadding[axis] + span
    }
    var target: [Int]? = nil
    if let shape = settings.outputShape {
      let spatial = shape.count > 2 && shape.count == (lift ? 3 : 4) ? Array(shape.suffix(lift ? 1 : 2)) : shape
      target = lift ? [1] + spatial : spatial
    } else if settings.autoPad == "SAME_UPPER" || settings.autoPad == "SAME_LOWER" {
      target = (0..<2).map { input[$0] * strides[$0] }
    }
    if let target {
      for axis in 0..<2 {
        // A negative total (an output larger than the stride alone gives) adds rows at the end:
        // ⌊total/2⌋ rounds down, as the ONNX reference's Python does.
        let total = full[axis] - target[axis]
        let small = total >= 0 ? total / 2 : -((-total + 1) / 2)
        (before[axis], after[axis]) = settings.autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
      }
    } else if settings.autoPad == "VALID" {
      (before, after) = ([0, 0], [0, 0])
    }
    // The zero-inserted, padded input.
    var padBefore = [0, 0]
    var size = [0, 0]
    for axis in 0..<2 {
      let reach: Int = (kernel[axis] - 1) * dilations[axis]
      padBefore[axis] = reach - before[axis]
      size[axis] = full[axis] - before[axis] - after[axis] + reach
    }
    guard size[0] > 0, size[1] > 0 else { throw args.fail("output of ConvTranspose is empty") }
    let xStrides = rowMajorStrides(x.shape)
    let sources = sourceMap(shape: [n, c, size[0], size[1]]) { index in
      var offset = index[0] * xStrides[0] + index[1] * xStrides[1]
      for axis in 0..<2 {
        let q = index[2 + axis] - padBefore[axis]
        guard q >= 0, q % strides[axis] == 0, q / strides[axis] < input[axis] else { return nil }
        offset += (q / strides[axis]) * xStrides[2 + axis]
      }
      return offset
    }
    let dilated = indexGather(x, sources: sources, shape: [n, c, size[0], size[1]])
    // The kernel [C, M/g, kH, kW] → [M, C/g, kH, kW], flipped in space.
    let inPerGroup = c / groups
    let wStrides = rowMajorStrides(w.shape)
    let flippedShape = [outPerGroup * groups, inPerGroup, kernel[0], kernel[1]]
    let weightSources = sourceMap(shape: flippedShape) { index in
      let group = index[0] / outPerGroup
      let m = index[0] % outPerGroup
      return (group * inPerGroup + index[1]) * wStrides[0] + m * wStrides[1]
        + (kernel[0] - 1 - index[2]) * wStrides[2] + (kernel[1] - 1 - index[3]) * wStrides[3]
    }
    let flipped = indexGather(w, sources: weightSources, shape: flippedShape)
    let geometry = Conv2DSettings(
      strideHeight: 1, strideWidth: 1, paddingTop: 0, paddingBottom: 0, paddingLeft: 0, paddingRight: 0,
      dilationHeight: dilations[0], dilationWidth: dilations[1], groups: groups)
    try check(dilated, flipped, bias, geometry, args)
    return conv2d(dilated, weight: flipped, bias: bias, settings: geometry)
  }
}
