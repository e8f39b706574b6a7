import ConvNetDraw
import Foundation

/// Learned filters as a picture: `FilterTiles` in a labelled grid under the layer's name and
/// the layout used.
public enum FilterPicture {
  public static func sheet(_ filters: FilterTiles) throws -> TileSheet {
    let scaleNote: String
    switch filters.layout {
    case .colour: scaleNote = "each filter scaled min → max"
    case .perInputChannel, .averagedOverInputs: scaleNote = "grey 0, white +max|w|, black −max|w|"
    }
    return try TileSheet(
      title: [
        "\(filters.layerName) filters",
        "\(filters.layerDescription) · \(filters.layout.rawValue) · \(scaleNote)",
      ],
      images: filters.tiles.map { (label: $0.label, image: $0.image) },
      columns: filters.suggestedColumns)
  }

  /// Writes the picture to `url` (PNG, atomically).
  public static func write(_ filters: FilterTiles, to url: URL) throws {
    try sheet(filters).canvas.writePNG(to: url)
  }
}
