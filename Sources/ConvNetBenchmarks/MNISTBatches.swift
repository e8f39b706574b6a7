import ConvNetData
import ConvNetTensor

/// Mini-batches of the bundled MNIST prepared up front as float tensors, so that no loader,
/// decoding or conversion cost falls inside a timed loop.
///
/// Pixels are scaled to [0, 1] (byte / 255), no normalisation, file order, full batches only
/// (60,000 training images give 937 batches of 64 = 59,968 images, or 234 of 256 = 59,904).
/// `bench/pytorch_peer.py` reads the same IDX files the same way.
struct MNISTBatches {
  var images: [Tensor] = []
  var labels: [[Int]] = []

  var imageCount: Int { labels.reduce(0) { $0 + $1.count } }

  /// - Parameters:
  ///   - limit: use at most this many images of the split.
  init(split: DatasetSplit, batchSize: Int, limit: Int = .max) throws {
    let dataset = try EmbeddedMNIST.load(split)
    let pixelsPerImage = dataset.sampleShape.reduce(1, *)
    let batchCount = min(dataset.count, limit) / batchSize
    dataset.pixels.withUnsafeBufferPointer { pixels in
      for batch in 0..<batchCount {
        let first = batch * batchSize
        var tensor = Tensor(uninitializedShape: [batchSize] + dataset.sampleShape)
        tensor.withUnsafeMutableBufferPointer { floats in
          let source = pixels.baseAddress! + first * pixelsPerImage
          for i in 0..<floats.count { floats[i] = Float(source[i]) / 255 }
        }
        images.append(tensor)
        labels.append((first..<first + batchSize).map { dataset.label(at: $0) })
      }
    }
  }
}
