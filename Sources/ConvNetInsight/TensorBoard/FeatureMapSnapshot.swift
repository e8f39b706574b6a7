import ConvNetData
import ConvNetDraw
import ConvNetImage
import ConvNetNN
import ConvNetTensor
import Foundation

/// The feature maps of one fixed image, drawn after every epoch for TensorBoard's image
/// dashboard, so the run shows how the first layers' responses form as the network learns.
///
/// The picture is `FeatureMapPictures.grid` of the first convolution/pooling block
/// (`LayerSelection`), the input as its first tile — the course's "hedgehog figure" for this
/// network, one per epoch under the tag `feature_maps/<layer>`.
public struct FeatureMapSnapshot {
  public let model: any Module
  /// The image as the network takes it: [1, C, H, W], normalised like the training data.
  public let input: Tensor
  /// The same image for display, values in [0, 1].
  public let picture: Image
  /// The layer drawn (a module path); nil: the first convolution/pooling block.
  public let layer: String?

  public init(model: any Module, input: Tensor, picture: Image, layer: String? = nil) {
    self.model = model
    self.input = input
    self.picture = picture
    self.layer = layer
  }

  /// The snapshot of sample `index` of `loader`'s dataset, fed as the loader feeds it (its
  /// pixel transform, no augmentation).
  public init(model: any Module, sample index: Int, of loader: DataLoader, layer: String? = nil) {
    let dataset = loader.dataset
    let shape = dataset.sampleShape
    let batch = DataLoader(dataset: dataset, batchSize: 1, shuffle: false, transform: loader.transform)
      .makeBatch(indices: [index])
    var pixels = [Float](repeating: 0, count: dataset.sampleElementCount)
    pixels.withUnsafeMutableBufferPointer {
      if let base = $0.baseAddress { dataset.writeImage(at: index, into: base, transform: .unitRange) }
    }
    self.init(
      model: model, input: batch.images,
      picture: Image(width: shape[2], height: shape[1], channels: shape[0], pixels: pixels),
      layer: layer)
  }

  /// The pictures for the current weights, by TensorBoard tag.
  public func images() throws -> [(tag: String, image: TensorBoardImage)] {
    let captured = try FeatureMapCapture.capture(model, input: input, layers: layer.map { [$0] })
    guard let maps = captured.featureMaps.first else { return [] }
    let canvas = try FeatureMapPictures.grid(maps, input: picture).render()
    let png = canvas.pngData()
    return [
      (
        tag: "feature_maps/\(maps.name)",
        image: TensorBoardImage(width: canvas.width, height: canvas.height, channels: 3, png: [UInt8](png))
      )
    ]
  }
}
