import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import Synchronization

/// A convolution's prepared form (`PreparedConv2D`) and what it was made from, so that it is
/// used only while those tensors are unchanged (see `PreparedInference`). One entry: a layer is
/// followed by the same batch norm on every call.
final class ConvolutionInferenceCache: Sendable {
  private let entry = Mutex<Entry?>(nil)

  private struct Entry: @unchecked Sendable {
    /// The tensors the prepared form was made from, in a fixed order.
    let sources: [TensorFingerprint]
    /// The batch norm folded in (held weakly, compared by identity), or nil for none.
    weak var batchNorm: BatchNorm?
    let foldsBatchNorm: Bool
    let prepared: PreparedConv2D
  }

  /// The prepared form of `layer` with `batchNorm` folded in: the cached one if every source
  /// tensor is the same storage at the same write version, else made again (and cached).
  func prepared(_ layer: Conv2d, foldingBatchNorm batchNorm: BatchNorm?) -> PreparedConv2D {
    let sources = Self.sources(layer, batchNorm)
    return entry.withLock { entry in
      if let cached = entry, cached.foldsBatchNorm == (batchNorm != nil),
        cached.batchNorm === batchNorm, cached.sources.count == sources.count,
        zip(cached.sources, sources).allSatisfy({ $0.matches($1) })
      {
        return cached.prepared
      }
      entry = nil  // free the stale form before making the new one
      let prepared = Self.make(layer, batchNorm)
      entry = Entry(
        sources: sources.map(TensorFingerprint.init), batchNorm: batchNorm,
        foldsBatchNorm: batchNorm != nil, prepared: prepared)
      return prepared
    }
  }

  /// Drops the prepared form (its memory comes back; the next inference call makes it again).
  func release() { entry.withLock { $0 = nil } }

  /// Whether a prepared form is held.
  var isPrepared: Bool { entry.withLock { $0 != nil } }

  private static func sources(_ layer: Conv2d, _ batchNorm: BatchNorm?) -> [Tensor] {
    var tensors = [layer.weight.value]
    if let bias = layer.bias { tensors.append(bias.value) }
    if let batchNorm {
      if let weight = batchNorm.weight { tensors.append(weight.value) }
      if let bias = batchNorm.bias { tensors.append(bias.value) }
      tensors.append(batchNorm.runningMean.value)
      tensors.append(batchNorm.runningVariance.value)
    }
    return tensors
  }

  /// Prepares `layer` with `batchNorm` folded in. The folded weight is not kept: the prepared
  /// convolution asks for it (`foldedWeight`, from the layer's current tensors, which the
  /// fingerprints checked just before) each time it makes a prepared form.
  private static func make(_ layer: Conv2d, _ batchNorm: BatchNorm?) -> PreparedConv2D {
    let shape = layer.weight.shape
    let count = layer.weight.value.count
    let folds = batchNorm != nil
    let writer: @Sendable (UnsafeMutablePointer<Float>) -> Void = {
      [weak layer, weak batchNorm] target in
      guard let layer, folds == (batchNorm != nil) else {
        // Unreachable: forms are made only during a call of the layer, whose model holds both.
        target.update(repeating: .nan, count: count)
        return
      }
      foldedWeight(layer, batchNorm, into: target)
    }
    guard let bias = foldedBias(layer, batchNorm) else {
      return PreparedConv2D(weightShape: shape, bias: nil, settings: layer.settings, weight: writer)
    }
    return bias.withUnsafeBufferPointer { bias in
      PreparedConv2D(
        weightShape: shape, bias: bias.baseAddress, settings: layer.settings, weight: writer)
    }
  }

  /// Per output channel, the batch norm's scale s = γ / √(var + ε) (evaluation mode:
  /// y = (x − mean) · s + β), in Double; nil without a batch norm.
  private static func scales(_ batchNorm: BatchNorm?) -> [Double]? {
    guard let batchNorm else { return nil }
    let variance = batchNorm.runningVariance.value.scalars
    let gamma = batchNorm.weight?.value.scalars
    let epsilon = Double(batchNorm.epsilon)
    var scales = [Double](repeating: 0, count: batchNorm.features)
    for o in 0..<batchNorm.features {
      let deviation: Double = (Double(variance[o]) + epsilon).squareRoot()
      scales[o] = Double(gamma?[o] ?? 1) / deviation
    }
    return scales
  }

  /// The bias with the batch norm folded in: (b − mean) · s + β (or the layer's own bias, or
  /// nil when it has none and there is no batch norm).
  private static func foldedBias(_ layer: Conv2d, _ batchNorm: BatchNorm?) -> [Float]? {
    let bias = layer.bias?.value.scalars
    guard let batchNorm, let scales = scales(batchNorm) else { return bias }
    let mean = batchNorm.runningMean.value.scalars
    let beta = batchNorm.bias?.value.scalars
    var folded = [Float](repeating: 0, count: layer.outputChannels)
    for o in 0..<layer.outputChannels {
      let shift: Double = Double(beta?[o] ?? 0)
      let centred: Double = Double(bias?[o] ?? 0) - Double(mean[o])
      folded[o] = Float(centred * scales[o] + shift)
    }
    return folded
  }

  /// Writes the weight with the batch norm folded in: row o scaled by s[o].
  private static func foldedWeight(
    _ layer: Conv2d, _ batchNorm: BatchNorm?, into target: UnsafeMutablePointer<Float>
  ) {
    let weight = layer.weight.value
    let w = weight.readOnlyElements
    guard let scales = scales(batchNorm) else {
      target.update(from: w, count: weight.count)
      return
    }
    let perChannel = weight.count / weight.shape[0]
    for o in 0..<weight.shape[0] {
      for i in (o * perChannel)..<((o + 1) * perChannel) {
        target[i] = Float(Double(w[i]) * scales[o])
      }
    }
  }
}

/// A tensor's storage (held weakly, so a freed storage is never mistaken for a new one at the
/// same address) and its write version when it was seen.
struct TensorFingerprint {
  weak var storage: TensorStorage?
  let version: UInt64

  init(_ tensor: Tensor) {
    storage = tensor.storage
    version = tensor.storage.version
  }

  func matches(_ tensor: Tensor) -> Bool {
    storage === tensor.storage && version == tensor.storage.version
  }
}
