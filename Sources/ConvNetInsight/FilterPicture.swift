import ConvNetDraw
import Foundation

/// Learned filters as a picture: `FilterTiles` in a `TileGrid` titled with the layer's name and
/// the layout used.
public enum FilterPicture {
  public static func grid(_ filters: FilterTiles) -> TileGrid {
    let scaleNote: String
    switch filters.layout {
    case .colour: scaleNote = "each filter scaled min → max"
    case .perInputChannel, .averagedOverInputs: scaleNote = "grey 0, white +max|w|, black −max|w|"
    }
    var grid = TileGrid(
      title: "\(filters.layerName) filters",
      subtitle: "\(filters.layerDescription) · \(filters.layout.rawValue) · \(scaleNote)",
      tiles: filters.tiles.map { TileGrid.Tile(.image($0.image), label: $0.label) })
    grid.colormap = .gray
    grid.columns = filters.suggestedColumns
    return grid
  }

  /// Writes the picture to `url` (PNG, atomically).
  public static func write(_ filters: FilterTiles, to url: URL) throws {
    try grid(filters).render().writePNG(to: url)
  }
}
