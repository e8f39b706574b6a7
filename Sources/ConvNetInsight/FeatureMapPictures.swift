import ConvNetDraw
import ConvNetImage
import Foundation

/// Feature maps as pictures: one grid per layer, every map scaled from its own minimum (black)
/// to its maximum (white), titled with the layer's module path (its state-dict prefix) and
/// labelled with the channel index.
public enum FeatureMapPictures {
  /// The grid of `maps` for sample `sample`: title "features.0" over
  /// "Conv2d(1, 6, kernel 5, padding 2) · 6 maps 28×28 · each scaled min→max", tiles "0" … "C−1".
  public static func grid(_ maps: FeatureMaps, sample: Int = 0) throws -> TileSheet {
    let count = maps.channelCount
    let title = [
      maps.name,
      "\(maps.layerDescription) · \(count) map\(count == 1 ? "" : "s") \(maps.height)×\(maps.width)"
        + " · each scaled min (black) → max (white)",
    ]
    let images = (0..<count).map { (label: String($0), image: maps.displayImage(sample: sample, channel: $0)) }
    return try TileSheet(title: title, images: images)
  }

  /// The network's input as it was fed (after fitting, before normalisation), enlarged so that
  /// its longer side is at least 112 pixels, under the title "input H×W".
  public static func input(_ image: Image) throws -> TileSheet {
    let longest = max(image.width, image.height, 1)
    let factor = max(1, (112 + longest - 1) / longest)
    let enlarged = factor > 1 ? image.scaledNearest(by: factor) : image
    return try TileSheet(
      title: ["input", "\(image.height)×\(image.width), \(image.channels == 3 ? "RGB" : "grey")"],
      images: [(label: "", image: enlarged)])
  }

  /// Writes `00-input.png` and one `NN-<layer>.png` per layer into `directory` (each
  /// atomically) and returns their URLs in that order.
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
    try FeatureMapPictures.input(input).canvas.writePNG(to: inputURL)
    files.append(inputURL)
    for (index, layer) in maps.enumerated() {
      let url = name(index + 1, layer.name)
      try grid(layer, sample: sample).canvas.writePNG(to: url)
      files.append(url)
    }
    return files
  }
}

extension Image {
  /// Every pixel repeated `factor`×`factor` times (no smoothing), for showing small images.
  func scaledNearest(by factor: Int) -> Image {
    let (w, h) = (width * factor, height * factor)
    var values = [Float](repeating: 0, count: w * h * channels)
    for c in 0..<channels {
      for y in 0..<h {
        for x in 0..<w { values[(c * h + y) * w + x] = self[c, y / factor, x / factor] }
      }
    }
    return Image(width: w, height: h, channels: channels, pixels: values)
  }
}
