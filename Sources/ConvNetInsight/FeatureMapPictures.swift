import ConvNetDraw
import ConvNetImage
import Foundation

/// Feature maps as pictures: one `TileGrid` per layer — the input first, then every map scaled
/// from its own minimum (black) to its maximum (white) — titled with the layer's module path (its
/// state-dict prefix) and labelled with the channel index.
public enum FeatureMapPictures {
  /// The grid of `maps` for sample `sample`: title "features.0", subtitle
  /// "Conv2d(1, 6, kernel 5, padding 2) · 6 maps 28×28 · each scaled min (black) → max (white)",
  /// a tile "input" first when `input` is given (values in [0, 1]), then tiles "0" … "C−1".
  /// Render it with `try grid.render()` (a `Canvas`; `.pngData()` gives the PNG bytes).
  public static func grid(_ maps: FeatureMaps, sample: Int = 0, input: Image? = nil) -> TileGrid {
    let count = maps.channelCount
    var grid = TileGrid(
      title: maps.name,
      subtitle: "\(maps.layerDescription) · \(count) map\(count == 1 ? "" : "s")"
        + " \(maps.height)×\(maps.width)"
        + " · each scaled min (black) → max (white)")
    grid.colormap = .gray
    // Small maps grow by a whole factor to about 84 pixels (28×28 → 84); large ones shrink to 128.
    grid.tileSize = max(maps.height, maps.width) >= 96 ? 128 : 84
    if let input { grid.append(.image(input), label: "input") }
    // A few maps sit in one row beside the input, as in the course's figures.
    if count + (input == nil ? 0 : 1) <= 8 { grid.columns = count + (input == nil ? 0 : 1) }
    for channel in 0..<count {
      grid.append(.image(maps.displayImage(sample: sample, channel: channel)), label: String(channel))
    }
    return grid
  }

  /// The network's input as it was fed (after fitting, before normalisation), titled "input".
  public static func input(_ image: Image) -> TileGrid {
    var grid = TileGrid(
      title: "input", subtitle: "\(image.height)×\(image.width), \(image.channels == 3 ? "RGB" : "grey")")
    grid.colormap = .gray
    grid.tileSize = max(image.width, image.height) < 112 ? 112 : max(image.width, image.height)
    grid.append(.image(image), label: "")
    return grid
  }

  /// Writes `00-input.png` and one `NN-<layer>.png` per layer (the input as its first tile) into
  /// `directory`, each atomically, and returns their URLs in that order.
  public static func write(_ maps: [FeatureMaps], input: Image, to directory: URL, sample: Int = 0) throws
    -> [URL]
  {
    var files: [URL] = []
    let digits = max(2, String(maps.count).count)
    func name(_ index: Int, _ label: String) -> URL {
      let number = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
      return directory.appendingPathComponent("\(number)-\(label).png")
    }
    let inputURL = name(0, "input")
    try FeatureMapPictures.input(input).render().writePNG(to: inputURL)
    files.append(inputURL)
    for (index, layer) in maps.enumerated() {
      let url = name(index + 1, layer.name)
      try grid(layer, sample: sample, input: input).render().writePNG(to: url)
      files.append(url)
    }
    return files
  }
}
