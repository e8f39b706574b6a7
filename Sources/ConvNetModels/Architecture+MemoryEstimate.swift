import ConvNetAutograd
import ConvNetNN
import Foundation

/// How much memory running a network will take, worked out before anything large is allocated:
/// the parameters (with their gradients and optimiser state when training) and the activations
/// of one batch.
public struct MemoryEstimate: Sendable {
  /// Weights of the network at the class count asked for.
  public let parameterCount: Int
  /// Parameters in bytes: float32 weights, plus gradients and two optimiser slots (Adam's
  /// moments; SGD's momentum needs one) when training.
  public let parameterBytes: Double
  /// The largest batch's input and layer outputs in bytes; when training, also their
  /// gradients (a forward pass keeps every output for backpropagation).
  public let activationBytes: Double

  /// The sum of the two.
  public var totalBytes: Double { parameterBytes + activationBytes }

  /// The machine's physical memory in bytes.
  public static var physicalMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) }

  /// Throws `MemoryLimitError` when the estimate exceeds `availableBytes` (default: the
  /// machine's physical memory), so that a size typed by mistake is refused with the figure
  /// instead of failing at the first allocation.
  public func check(availableBytes: Double = MemoryEstimate.physicalMemory, what: String) throws {
    guard totalBytes > availableBytes else { return }
    throw MemoryLimitError(
      description: "\(what) would need about \(MemoryEstimate.format(totalBytes)) of memory "
        + "(\(MemoryEstimate.format(parameterBytes)) for \(MemoryEstimate.formatCount(parameterCount)) "
        + "parameters, \(MemoryEstimate.format(activationBytes)) for activations), more than the "
        + "\(MemoryEstimate.format(availableBytes)) this machine has")
  }

  /// "1.5 GB", "120.0 TB" (powers of 1000).
  public static func format(_ bytes: Double) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = bytes
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[unit])
  }

  static func formatCount(_ count: Int) -> String {
    let digits = Array(String(count))
    var text = ""
    for (k, digit) in digits.enumerated() {
      if k > 0 && (digits.count - k) % 3 == 0 { text += "," }
      text.append(digit)
    }
    return text
  }
}

/// A run refused because its memory estimate exceeds what the machine has.
public struct MemoryLimitError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

extension Architecture {
  /// Estimates the memory of running this network on samples of `sampleShape` ([C, H, W])
  /// with `classCount` classes, without building it at that size.
  ///
  /// The network is built once for `C` channels and one class, and summarised
  /// (`ModelSummary`) at a small input (its own size when `hasFixedInputSize`, else at most
  /// 64×64). The parameter count is that network's with the classifier's rows scaled to
  /// `classCount`; activations are scaled from the summary by the ratio of areas, which holds
  /// for convolutional layers (most of the memory) and over-estimates the pooled tail.
  ///
  /// - Parameters:
  ///   - trainingBatchSize: the batch size of training, or nil for inference only.
  ///   - inferenceBatchSize: the batch size of evaluation (outputs are freed layer by layer,
  ///     so the two largest layers count).
  /// - Throws: `InputShapeError` if `sampleShape` is not [C, H, W] with sizes ≥ 1 and at most
  ///   4096 channels.
  public func memoryEstimate(
    sampleShape: [Int], classCount: Int, trainingBatchSize: Int?, inferenceBatchSize: Int
  ) throws -> MemoryEstimate {
    let given = sampleShape.map(String.init).joined(separator: "×")
    guard sampleShape.count == 3, sampleShape.allSatisfy({ $0 >= 1 }) else {
      throw InputShapeError(
        "\(name) takes one image as channels×height×width, each at least 1, got \(given)")
    }
    guard sampleShape[0] <= 4096 else {
      throw InputShapeError(
        "\(name): \(sampleShape[0]) input channels, expected at most 4096 (given \(given))")
    }
    let probeHeight = hasFixedInputSize ? inputShape[1] : max(minimumInputSize, min(inputShape[1], 64))
    let probeWidth = hasFixedInputSize ? inputShape[2] : max(minimumInputSize, min(inputShape[2], 64))
    let model = RandomSource.withSeed(0) { build(inputChannels: sampleShape[0], classCount: 1) }
    let summary = ModelSummary(model: model, sampleShape: [sampleShape[0], probeHeight, probeWidth])

    // The classifier's weight rows (one per class) and bias.
    let named = Dictionary(
      model.namedParameters().map { ($0.name, $0.parameter.value.count) }, uniquingKeysWith: { a, _ in a })
    let perClass = (named[classifierPrefix + ".weight"] ?? 0) + (named[classifierPrefix + ".bias"] ?? 0)
    let parameters = Double(summary.totalParameters - perClass) + Double(perClass) * Double(classCount)

    let area = Double(sampleShape[1]) * Double(sampleShape[2]) / Double(probeHeight * probeWidth)
    let inputBytes = 4 * Double(sampleShape[0]) * Double(sampleShape[1]) * Double(sampleShape[2])
    let layerBytes = summary.rows.map { 4 * Double($0.outputShape.reduce(1, *)) }
    let classifierBytes = 4 * Double(classCount)
    let perSample = inputBytes + Double(summary.activationBytes) * area + classifierBytes
    let largestTwo = layerBytes.sorted(by: >).prefix(2).reduce(0, +) * area + classifierBytes
    let inference = Double(inferenceBatchSize) * (inputBytes + largestTwo)
    var activations = inference
    if let trainingBatchSize { activations = max(inference, 2 * Double(trainingBatchSize) * perSample) }
    let copies: Double = trainingBatchSize == nil ? 1 : 4
    return MemoryEstimate(
      parameterCount: parameters < 9e18 ? Int(parameters) : Int.max,
      parameterBytes: 4 * parameters * copies, activationBytes: activations)
  }
}
