import ConvNetImage
import ConvNetNN
import ConvNetTensor

/// The learned kernels of one convolution, cut into display tiles.
///
/// Layouts (`Layout`):
/// - `.colour`: the layer reads 3 channels (an RGB input): one colour tile per filter, its three
///   input planes as R, G, B, each filter scaled on its own from its minimum (black) to its
///   maximum (white) — the picture of AlexNet's first layer.
/// - `.perInputChannel`: one grey tile per (filter, input channel) pair, labelled
///   "input→filter", a row per filter and a column per input channel (when filters read more
///   than one), when there are at most `pairLimit` pairs (LeNet-5's second layer: 16 × 6). Grey
///   is scaled over the whole layer so that 0 is mid-grey, the largest |w| white (positive) or
///   black (negative): signs and relative sizes stay comparable.
/// - `.averagedOverInputs`: beyond that (ResNet's 512 × 512), one grey tile per filter, the mean
///   of its kernels over the input channels, scaled like `.perInputChannel`.
/// A `ConnectionTableConv2d` (LeNet-5 (1998)'s C3) shows its connected pairs only.
public struct FilterTiles {
  public enum Layout: String, Sendable {
    case colour = "one RGB tile per filter"
    case perInputChannel = "one tile per (input channel → filter) pair"
    case averagedOverInputs = "one tile per filter, averaged over its input channels"
  }

  /// One kernel (or one filter's mean kernel, or one RGB filter), values in [0, 1].
  public struct Tile {
    /// "5" for filter 5, "2→5" for filter 5's kernel on input channel 2.
    public let label: String
    public let image: Image
  }

  /// The most (filter, input) pairs shown one by one.
  public static let pairLimit = 256

  /// The module path of the convolution (its weight is `layerName + ".weight"`).
  public let layerName: String
  public let layerDescription: String
  public let layout: Layout
  public let tiles: [Tile]
  /// Tiles per row that keep the layout readable: the input channels for `.perInputChannel`
  /// with more than one (a row per filter); nil: about square.
  public let suggestedColumns: Int?

  /// The filters of the convolution at `layer`, or of the network's first convolution.
  /// - Throws: `InsightError` when the path names no convolution.
  public init(model: any Module, layer: String? = nil) throws {
    let path: String
    if let layer {
      path = layer
    } else {
      guard let first = model.namedModules().first(where: { LayerSelection.isConvolution($0.module) })
      else { throw InsightError("the network has no convolution") }
      path = first.name
    }
    let module = try LayerSelection.module(at: path, in: model)
    layerName = path
    layerDescription = module.layerDescription
    if let conv = module as? Conv2d {
      let weight = conv.weight.value
      (layout, tiles, suggestedColumns) = FilterTiles.tiles(
        of: weight, inputs: (0..<conv.outputChannels).map { _ in Array(0..<weight.shape[1]) })
    } else if let table = module as? ConnectionTableConv2d {
      // Each map's weight is [1, |table[j]|, kH, kW]; lay them out as one [out, in, kH, kW]
      // weight with the pairs that are not connected left out.
      let (kh, kw) = (table.kernelSize.height, table.kernelSize.width)
      var full = Tensor.zeros([table.table.count, table.inputChannels, kh, kw])
      for (j, (inputs, map)) in zip(table.table, table.maps).enumerated() {
        let w = map.weight.value
        for (slot, i) in inputs.enumerated() {
          for y in 0..<kh { for x in 0..<kw { full[j, i, y, x] = w[0, slot, y, x] } }
        }
      }
      (layout, tiles, suggestedColumns) = FilterTiles.tiles(of: full, inputs: table.table)
    } else {
      throw InsightError(
        "layer \"\(path)\" is \(module.layerDescription), not a convolution; "
          + "filters are shown for Conv2d layers"
      )
    }
  }

  /// Tiles of weight [out, in, kH, kW], where filter j reads the input channels `inputs[j]`.
  static func tiles(of weight: Tensor, inputs: [[Int]]) -> (Layout, [Tile], Int?) {
    let (outputs, channels, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    let w = weight.scalars
    let kernelSize = kh * kw
    func kernel(_ j: Int, _ i: Int) -> ArraySlice<Float> {
      let start = (j * channels + i) * kernelSize
      return w[start..<(start + kernelSize)]
    }
    if channels == 3 && inputs.allSatisfy({ $0 == [0, 1, 2] }) {
      let tiles = (0..<outputs).map { j -> Tile in
        let values = Array(kernel(j, 0) + kernel(j, 1) + kernel(j, 2))
        let low = values.min() ?? 0
        let range = (values.max() ?? 0) - low
        let scaled = values.map { range > 0 ? ($0 - low) / range : 0.5 }
        return Tile(label: String(j), image: Image(width: kw, height: kh, channels: 3, pixels: scaled))
      }
      return (.colour, tiles, nil)
    }
    let pairCount = inputs.reduce(0) { $0 + $1.count }
    let largest = w.reduce(Float(0)) { max($0, abs($1)) }
    let grey = { (values: [Float], scale: Float) -> Image in
      Image(
        width: kw, height: kh, channels: 1,
        pixels: values.map { scale > 0 ? min(max(0.5 + 0.5 * $0 / scale, 0), 1) : 0.5 })
    }
    if pairCount <= pairLimit {
      var tiles: [Tile] = []
      for j in 0..<outputs {
        for i in inputs[j] {
          tiles.append(Tile(label: "\(i)→\(j)", image: grey(Array(kernel(j, i)), largest)))
        }
      }
      // A row per filter when every filter reads several channels; one channel: any rows.
      let full = inputs.allSatisfy { $0.count == channels }
      return (.perInputChannel, tiles, full && channels > 1 ? channels : nil)
    }
    var means: [[Float]] = []
    for j in 0..<outputs {
      var mean = [Float](repeating: 0, count: kernelSize)
      for i in inputs[j] { for (t, v) in kernel(j, i).enumerated() { mean[t] += v / Float(inputs[j].count) } }
      means.append(mean)
    }
    let meanLargest = means.joined().reduce(Float(0)) { max($0, abs($1)) }
    return (
      .averagedOverInputs,
      means.enumerated().map { Tile(label: String($0.offset), image: grey($0.element, meanLargest)) }, nil
    )
  }
}
