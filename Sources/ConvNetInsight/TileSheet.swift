import ConvNetDraw
import ConvNetImage

/// A picture of small images in a grid under a title, each image with a label beneath it: the
/// layout shared by feature-map and filter pictures. Small maps are enlarged by a whole factor
/// (nearest neighbour, so every value stays a visible block), large ones shrunk to fit a tile.
public struct TileSheet {
  /// One drawn tile: its label and where its image lies on the canvas.
  public struct Tile: Equatable {
    public let label: String
    public let rect: PixelRect
  }

  /// The title lines drawn above the grid.
  public let title: [String]
  /// The tiles in drawing order (row by row).
  public let tiles: [Tile]
  /// Tiles per row.
  public let columns: Int
  public let canvas: Canvas

  /// Side of a tile's longer edge that small maps are enlarged to (at least), and the most
  /// any tile may take.
  static let smallestTile = 56
  static let largestTile = 128
  static let margin = 10
  static let gap = 6

  /// Lays out and draws `images` (values in [0, 1]; grey ones through `colormap`).
  /// - Parameter columns: tiles per row; nil: about as many columns as rows, at most 32.
  public init(
    title: [String], images: [(label: String, image: Image)], columns: Int? = nil,
    colormap: Colormap = .gray
  ) throws {
    let longest = images.map { max($0.image.width, $0.image.height) }.max() ?? 1
    let factor = max(1, (Self.smallestTile + longest - 1) / longest)
    let side = min(longest * factor, Self.largestTile)
    let scale = Double(side) / Double(longest)
    let cells = images.count
    let perRow = max(1, min(columns ?? Int(Double(cells).squareRoot().rounded(.up)), max(cells, 1), columns ?? 32))
    let rows = (cells + perRow - 1) / perRow
    let labelHeight = Canvas.textSize("0").height + 3
    let widestLabel = images.map { Canvas.textSize($0.label).width }.max() ?? 0
    let cellWidth = max(side, widestLabel)
    let cellHeight = side + labelHeight
    let titleSizes = title.enumerated().map { Canvas.textSize($0.element, scale: $0.offset == 0 ? 2 : 1) }
    let titleHeight = titleSizes.reduce(0) { $0 + $1.height + 4 } + (title.isEmpty ? 0 : 6)
    let gridWidth = perRow * cellWidth + (perRow - 1) * Self.gap
    let width = max(gridWidth, titleSizes.map(\.width).max() ?? 0) + 2 * Self.margin
    let height = titleHeight + rows * cellHeight + max(0, rows - 1) * Self.gap + 2 * Self.margin
    var canvas = try Canvas(width: width, height: height)
    var y = Self.margin
    for (index, line) in title.enumerated() {
      let scaleOfLine = index == 0 ? 2 : 1
      canvas.drawText(line, at: PixelPoint(x: Self.margin, y: y), color: index == 0 ? .black : .darkGray, scale: scaleOfLine)
      y += titleSizes[index].height + 4
    }
    let top = Self.margin + titleHeight
    var tiles: [Tile] = []
    for (index, entry) in images.enumerated() {
      let column = index % perRow
      let row = index / perRow
      let cellX = Self.margin + column * (cellWidth + Self.gap)
      let cellY = top + row * (cellHeight + Self.gap)
      let w = max(1, Int((Double(entry.image.width) * scale).rounded()))
      let h = max(1, Int((Double(entry.image.height) * scale).rounded()))
      let rect = PixelRect(x: cellX + (cellWidth - w) / 2, y: cellY + (side - h) / 2, width: w, height: h)
      canvas.drawImage(
        entry.image, in: rect, interpolation: factor > 1 ? .nearest : .bilinear, colormap: colormap)
      canvas.strokeRectangle(
        PixelRect(x: rect.x - 1, y: rect.y - 1, width: w + 2, height: h + 2), color: .lightGray)
      canvas.drawText(
        entry.label, at: PixelPoint(x: cellX + cellWidth / 2, y: cellY + side + 3), color: .darkGray,
        anchor: .topCenter)
      tiles.append(Tile(label: entry.label, rect: rect))
    }
    self.title = title
    self.tiles = tiles
    self.columns = perRow
    self.canvas = canvas
  }
}
